import type { Clock } from '../../clock.js';
import { found } from '../../concurrency.js';
import type { Database } from '../../db/database.js';
import { UnveilError } from '../../errors.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import { lockEnvironments, requireEnvironment } from '../environments/environments-store.js';
import { deleteFreeze, type FreezeRecord, findFreeze, insertFreeze, listFreezes } from './freezes-store.js';

export type FreezeInput = Pick<FreezeRecord, 'name' | 'reason' | 'startsAt' | 'endsAt' | 'recurrence'>;

/** Freeze windows: created and lifted by admins and release managers, every change audited. */
export class FreezesService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  list(environmentKey: string): Promise<FreezeRecord[]> {
    return this.db.transaction(async (tx) => {
      await requireEnvironment(tx, environmentKey);
      return listFreezes(tx, environmentKey);
    });
  }

  create(
    environmentKey: string,
    key: string,
    input: FreezeInput,
    context: WriteContext,
  ): Promise<FreezeRecord> {
    return this.db.transaction(async (tx) => {
      // The environment lock orders the freeze against writes in flight: a write either commits before
      // the freeze exists or sees it.
      const [environment] = await lockEnvironments(tx, [environmentKey]);
      found(environment, 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${environmentKey}"`);
      const at = this.clock.now();
      const created = await insertFreeze(tx, {
        ...input,
        environmentKey,
        key,
        createdBy: context.actor,
        createdAt: at,
      });
      if (created === undefined) {
        throw new UnveilError('UNVEIL_ERR_FREEZE_EXISTS', {
          detail: `freeze "${key}" exists in ${environmentKey}`,
        });
      }
      await appendAuditEntry(tx, context, {
        at,
        action: 'freeze.create',
        resourceType: 'freeze',
        resourceKey: key,
        environmentKey,
        before: null,
        after: created,
      });
      return created;
    });
  }

  remove(environmentKey: string, key: string, context: WriteContext): Promise<void> {
    return this.db.transaction(async (tx) => {
      await lockEnvironments(tx, [environmentKey]);
      const freeze = found(
        await findFreeze(tx, environmentKey, key),
        'UNVEIL_ERR_FREEZE_NOT_FOUND',
        `freeze "${key}" in ${environmentKey}`,
      );
      await deleteFreeze(tx, environmentKey, key);
      await appendAuditEntry(tx, context, {
        at: this.clock.now(),
        action: 'freeze.delete',
        resourceType: 'freeze',
        resourceKey: key,
        environmentKey,
        before: freeze,
        after: null,
      });
    });
  }
}
