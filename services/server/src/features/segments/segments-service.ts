import type { Clock } from '../../clock.js';
import { assertExpectedVersion, found } from '../../concurrency.js';
import type { Database, Executor } from '../../db/database.js';
import { type FieldError, prefixPaths, UnveilError } from '../../errors.js';
import { sameJson } from '../../json.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import { passChangeGate } from '../change-requests/change-gate.js';
import {
  bumpSnapshotVersions,
  findEnvironment,
  lockEnvironments,
} from '../environments/environments-store.js';
import { findFlagsUsingSegment } from '../flag-configs/flag-configs-store.js';
import { listFreezes } from '../freezes/freezes-store.js';
import { findSegmentProblems } from './segment.js';
import {
  deleteSegment,
  findSegment,
  insertSegment,
  listSegments,
  type SegmentContent,
  type SegmentRecord,
  updateSegment,
} from './segments-store.js';

/** Segments belong to one environment; every change to one bumps that environment's snapshot version. */
export class SegmentsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  create(
    environmentKey: string,
    key: string,
    content: SegmentContent,
    context: WriteContext,
  ): Promise<SegmentRecord> {
    throwIfInvalid(findSegmentProblems(key, content));
    return this.inEnvironment(environmentKey, context, async (tx, context) => {
      const created = await insertSegment(tx, environmentKey, key, content, this.clock.now());
      if (created === undefined) {
        throw new UnveilError('UNVEIL_ERR_SEGMENT_EXISTS', {
          detail: `segment "${key}" exists in ${environmentKey}`,
        });
      }
      await bumpSnapshotVersions(tx, [environmentKey]);
      await audit(tx, context, 'segment.create', created.updatedAt, undefined, created);
      return created;
    });
  }

  list(environmentKey: string): Promise<SegmentRecord[]> {
    return this.db.transaction(async (tx) => {
      await requireEnvironment(tx, environmentKey, false);
      return listSegments(tx, environmentKey);
    });
  }

  get(environmentKey: string, key: string): Promise<SegmentRecord> {
    return this.db.transaction(async (tx) => {
      await requireEnvironment(tx, environmentKey, false);
      return found(await findSegment(tx, environmentKey, key), 'UNVEIL_ERR_SEGMENT_NOT_FOUND', key);
    });
  }

  update(
    environmentKey: string,
    key: string,
    changes: Partial<SegmentContent>,
    context: WriteContext,
  ): Promise<SegmentRecord> {
    return this.inEnvironment(environmentKey, context, async (tx, context) => {
      const current = await this.lockSegment(tx, environmentKey, key, context);
      const content: SegmentContent = { ...current, ...changes };
      throwIfInvalid(findSegmentProblems(key, content));
      const updated = await updateSegment(tx, environmentKey, key, content, this.clock.now());
      // Name and description are not part of snapshots.
      const seenBySdks = ['included', 'excluded', 'rules'] as const;
      if (seenBySdks.some((field) => !sameJson(current[field], updated[field]))) {
        await bumpSnapshotVersions(tx, [environmentKey]);
      }
      await audit(tx, context, 'segment.update', updated.updatedAt, current, updated);
      return updated;
    });
  }

  /** Refused while a live flag's rule uses the segment: that flag would stop compiling. */
  delete(environmentKey: string, key: string, context: WriteContext): Promise<void> {
    return this.inEnvironment(environmentKey, context, async (tx, context) => {
      const current = await this.lockSegment(tx, environmentKey, key, context);
      const users = await findFlagsUsingSegment(tx, environmentKey, key);
      if (users.length > 0) {
        throw new UnveilError('UNVEIL_ERR_SEGMENT_IN_USE', {
          detail: `used by ${users.join(', ')}`,
          extensions: { flags: users },
        });
      }
      await deleteSegment(tx, environmentKey, key);
      await bumpSnapshotVersions(tx, [environmentKey]);
      await audit(tx, context, 'segment.delete', this.clock.now(), current, undefined);
    });
  }

  /**
   * A segment write: the environment locked, and its freezes respected — a segment decides who sees
   * what as much as a flag's rules do. (Approvals are for flag changes and release starts only.)
   */
  private inEnvironment<T>(
    environmentKey: string,
    context: WriteContext,
    work: (tx: Executor, context: WriteContext) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      const [, freezes] = await Promise.all([
        requireEnvironment(tx, environmentKey, true),
        listFreezes(tx, environmentKey),
      ]);
      const environment = { key: environmentKey, protected: false };
      const gate = passChangeGate({ environment, freezes, at: this.clock.now(), context });
      // Never 'propose': the environment is passed as unprotected.
      return work(tx, gate.outcome === 'apply' ? gate.context : context);
    });
  }

  private async lockSegment(
    tx: Executor,
    environmentKey: string,
    key: string,
    context: WriteContext,
  ): Promise<SegmentRecord> {
    const current = found(
      await findSegment(tx, environmentKey, key, 'update'),
      'UNVEIL_ERR_SEGMENT_NOT_FOUND',
      key,
    );
    assertExpectedVersion(`segment "${key}"`, current.version, context.expectedVersion);
    return current;
  }
}

/** Writers lock the environment (see lockEnvironments); readers only need it to exist. */
async function requireEnvironment(tx: Executor, key: string, lock: boolean): Promise<void> {
  const environment = lock ? (await lockEnvironments(tx, [key]))[0] : await findEnvironment(tx, key);
  found(environment, 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${key}"`);
}

function audit(
  tx: Executor,
  context: WriteContext,
  action: string,
  at: Date,
  before: SegmentRecord | undefined,
  after: SegmentRecord | undefined,
): Promise<void> {
  const record = (after ?? before)!;
  return appendAuditEntry(tx, context, {
    at,
    action,
    resourceType: 'segment',
    resourceKey: record.key,
    environmentKey: record.environmentKey,
    before,
    after,
  });
}

function throwIfInvalid(problems: FieldError[]): void {
  if (problems.length > 0) {
    throw new UnveilError('UNVEIL_ERR_SEGMENT_INVALID', {
      errors: prefixPaths('/body', problems),
    });
  }
}
