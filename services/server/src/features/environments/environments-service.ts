import type { Clock } from '../../clock.js';
import { assertExpectedVersion, found } from '../../concurrency.js';
import type { Database } from '../../db/database.js';
import { takeTransactionLock } from '../../db/locks.js';
import { UnveilError } from '../../errors.js';
import { TtlCache } from '../../ttl-cache.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import { initialFlagConfig } from '../flag-configs/flag-config.js';
import { insertInitialConfigs } from '../flag-configs/flag-configs-store.js';
import { listAllFlagVariants } from '../flags/flags-store.js';
import {
  type EnvironmentRecord,
  findEnvironment,
  insertEnvironment,
  listEnvironments,
  lockEnvironments,
  updateEnvironment,
} from './environments-store.js';

export interface NewEnvironmentInput {
  key: string;
  name: string;
  protected: boolean;
}

export type EnvironmentChanges = Partial<Pick<EnvironmentRecord, 'name' | 'protected'>>;

/** What access control asks on every request to an environment route. */
export interface EnvironmentScope {
  key: string;
  protected: boolean;
}

export class EnvironmentsService {
  /** Remembered briefly: a protection change on another instance applies within this TTL. */
  readonly #scopes: TtlCache<EnvironmentScope | undefined>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    scopeTtlMs = 1_000,
  ) {
    this.#scopes = new TtlCache(clock, scopeTtlMs);
  }

  /** The environment's protection, for access control; answered from memory most of the time. */
  scope(key: string): Promise<EnvironmentScope | undefined> {
    return this.#scopes.get(key, async () => {
      const environment = await this.find(key);
      return environment && { key: environment.key, protected: environment.protected };
    });
  }

  /** A new environment starts with every existing flag switched off (see initialFlagConfig). */
  create(input: NewEnvironmentInput, context: WriteContext): Promise<EnvironmentRecord> {
    return this.db.transaction(async (tx) => {
      await takeTransactionLock(tx, 'catalog');
      const at = this.clock.now();
      const created = await insertEnvironment(tx, { ...input, createdAt: at });
      this.#scopes.clear();
      if (created === undefined) {
        throw new UnveilError('UNVEIL_ERR_ENV_EXISTS', {
          detail: `environment "${input.key}" already exists`,
        });
      }
      const flags = await listAllFlagVariants(tx);
      await insertInitialConfigs(
        tx,
        flags.map((flag) => ({
          flagKey: flag.key,
          environmentKey: created.key,
          config: initialFlagConfig(flag.variants),
        })),
        at,
        context.actor,
      );
      await appendAuditEntry(tx, context, {
        at,
        action: 'environment.create',
        resourceType: 'environment',
        resourceKey: created.key,
        environmentKey: created.key,
        before: undefined,
        after: created,
      });
      return created;
    });
  }

  list(): Promise<EnvironmentRecord[]> {
    return this.db.transaction((tx) => listEnvironments(tx));
  }

  get(key: string): Promise<EnvironmentRecord> {
    return this.db.transaction(async (tx) =>
      found(await findEnvironment(tx, key), 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${key}"`),
    );
  }

  find(key: string): Promise<EnvironmentRecord | undefined> {
    return this.db.transaction((tx) => findEnvironment(tx, key));
  }

  /** Name and protection are not part of snapshots, so the snapshot version stays. */
  update(key: string, changes: EnvironmentChanges, context: WriteContext): Promise<EnvironmentRecord> {
    return this.db.transaction(async (tx) => {
      const [current] = await lockEnvironments(tx, [key]);
      const locked = found(current, 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${key}"`);
      assertExpectedVersion(`environment "${key}"`, locked.version, context.expectedVersion);
      const updated = await updateEnvironment(tx, key, { ...changes, updatedAt: this.clock.now() });
      this.#scopes.clear();
      await appendAuditEntry(tx, context, {
        at: updated.updatedAt,
        action: 'environment.update',
        resourceType: 'environment',
        resourceKey: key,
        environmentKey: key,
        before: locked,
        after: updated,
      });
      return updated;
    });
  }
}
