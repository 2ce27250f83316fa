import type { Clock } from '../../clock.js';
import { found } from '../../concurrency.js';
import type { Database, Executor } from '../../db/database.js';
import { GroupCommit } from '../../db/group-commit.js';
import type { WriteContext } from '../../write-context.js';
import { passChangeGate } from '../change-requests/change-gate.js';
import type { ChangeRequestRecord } from '../change-requests/change-requests-store.js';
import { proposeChange } from '../change-requests/proposals.js';
import {
  bumpSnapshotVersions,
  findEnvironment,
  lockEnvironments,
} from '../environments/environments-store.js';
import { findFlag } from '../flags/flags-store.js';
import { listFreezes } from '../freezes/freezes-store.js';
import { pauseReleasesHolding } from '../releases/kill-switch.js';
import { withAudience, withoutAudience } from './audience-rules.js';
import type { StoredFlagConfig } from './flag-config.js';
import {
  assertConsistent,
  isKillSwitch,
  isNoChange,
  prepareConfigChange,
  writeConfigChange,
} from './flag-config-writer.js';
import {
  type FlagConfigRecord,
  type FlagConfigVersionRecord,
  findConfig,
  findConfigVersion,
  listConfigVersions,
} from './flag-configs-store.js';

/** A write either applied, or — in a protected environment — waits for approval as a change request. */
export type ConfigWriteOutcome =
  | { applied: FlagConfigRecord; proposed?: never }
  | { proposed: ChangeRequestRecord; applied?: never };

type NextConfig = (current: FlagConfigRecord, tx: Executor) => StoredFlagConfig | Promise<StoredFlagConfig>;

export class FlagConfigsService {
  /** Writes of one environment take its lock: they commit in groups (see group-commit.ts). */
  readonly #writes: GroupCommit;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.#writes = new GroupCommit(db);
  }

  get(environmentKey: string, flagKey: string): Promise<FlagConfigRecord> {
    return this.db.transaction((tx) => requireConfig(tx, environmentKey, flagKey));
  }

  put(
    environmentKey: string,
    flagKey: string,
    config: StoredFlagConfig,
    context: WriteContext,
  ): Promise<ConfigWriteOutcome> {
    return this.write(environmentKey, flagKey, context, 'flag-config.update', () => config);
  }

  versions(environmentKey: string, flagKey: string): Promise<FlagConfigVersionRecord[]> {
    return this.db.transaction(async (tx) => {
      await requireConfig(tx, environmentKey, flagKey);
      return listConfigVersions(tx, flagKey, environmentKey);
    });
  }

  /** Writes version N's configuration back as a new version, checked like any other write. */
  restoreVersion(
    environmentKey: string,
    flagKey: string,
    version: number,
    context: WriteContext,
  ): Promise<ConfigWriteOutcome> {
    return this.write(
      environmentKey,
      flagKey,
      context,
      'flag-config.restore-version',
      async (_current, tx) => {
        const restored = await findConfigVersion(tx, flagKey, environmentKey, version);
        const detail = `flag "${flagKey}" has no version ${version} in ${environmentKey}`;
        return found(restored, 'UNVEIL_ERR_VERSION_NOT_FOUND', detail).config;
      },
    );
  }

  /** Serves `variant` to the segment's members (see audience-rules.ts), in one audited call. */
  addAudience(
    environmentKey: string,
    flagKey: string,
    segmentKey: string,
    variant: string,
    context: WriteContext,
  ): Promise<ConfigWriteOutcome> {
    return this.write(environmentKey, flagKey, context, 'flag-config.audience-add', (current) =>
      withAudience(current.config, segmentKey, variant),
    );
  }

  removeAudience(
    environmentKey: string,
    flagKey: string,
    segmentKey: string,
    context: WriteContext,
  ): Promise<ConfigWriteOutcome> {
    return this.write(environmentKey, flagKey, context, 'flag-config.audience-remove', (current) =>
      withoutAudience(current.config, segmentKey),
    );
  }

  /**
   * Applies an approved change request's configuration, inside the approval's transaction, against the
   * version it was proposed on: a change someone else's write overtook is refused, not silently undone.
   */
  applyApproved(
    tx: Executor,
    request: ChangeRequestRecord,
    context: WriteContext,
  ): Promise<ConfigWriteOutcome> {
    const expected = request.baseVersion === null ? {} : { expectedVersion: request.baseVersion };
    return this.writeIn(
      tx,
      request.environmentKey,
      request.resourceKey,
      { ...context, ...expected },
      'flag-config.update',
      () => request.payload as StoredFlagConfig,
    );
  }

  private write(
    environmentKey: string,
    flagKey: string,
    context: WriteContext,
    action: string,
    next: NextConfig,
  ): Promise<ConfigWriteOutcome> {
    return this.#writes.run(environmentKey, flagKey, (tx) =>
      this.writeIn(tx, environmentKey, flagKey, context, action, next),
    );
  }

  /**
   * The one write path for a configuration. Writing what is already stored changes nothing: no new
   * version, no audit entry, no snapshot bump. Otherwise the change gate decides: apply, hold for
   * approval, or refuse (freeze).
   */
  private async writeIn(
    tx: Executor,
    environmentKey: string,
    flagKey: string,
    context: WriteContext,
    action: string,
    next: NextConfig,
  ): Promise<ConfigWriteOutcome> {
    // The three reads go out together (postgres.js pipelines them on the transaction's connection, in
    // order, so the environment lock is still taken first): the fewer round trips the lock is held for,
    // the more writes an environment takes per second. A failed read is reported after the environment's
    // own 404, hence `settled`.
    const [[environment], freezes, prepared] = await Promise.all([
      lockEnvironments(tx, [environmentKey]),
      listFreezes(tx, environmentKey),
      settled(prepareConfigChange(tx, environmentKey, flagKey, context, (current) => next(current, tx))),
    ]);
    const locked = found(environment, 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${environmentKey}"`);
    const change = prepared();
    if (isNoChange(change)) return { applied: change.current };

    const at = this.clock.now();
    const killSwitch = isKillSwitch(change);
    const gate = passChangeGate({
      environment: locked,
      freezes,
      at,
      context,
      killSwitch,
    });
    if (gate.outcome === 'propose') {
      // A proposal is checked now: an approver should only ever see changes that can apply.
      await assertConsistent(tx, environmentKey, change.flag, change.next);
      const proposal = {
        environmentKey,
        kind: 'flag-config' as const,
        resourceKey: flagKey,
        payload: change.next,
        baseVersion: change.current.version,
      };
      return { proposed: await proposeChange(tx, proposal, context, at) };
    }
    // Sent together while the environment lock is held: one round trip fewer per write. A write that fails
    // validation throws, and the transaction takes the bump back with it.
    const [updated] = await Promise.all([
      writeConfigChange(tx, change, gate.context, action, at),
      bumpSnapshotVersions(tx, [environmentKey]),
      killSwitch ? pauseReleasesHolding(tx, environmentKey, flagKey, gate.context, at) : undefined,
    ]);
    return { applied: updated };
  }
}

/** A promise's outcome as a function that returns its value or throws its error, for later. */
async function settled<T>(promise: Promise<T>): Promise<() => T> {
  try {
    const value = await promise;
    return () => value;
  } catch (error) {
    return () => {
      throw error;
    };
  }
}

/** Every flag has a configuration in every environment, so only the two keys can be missing. */
async function requireConfig(
  tx: Executor,
  environmentKey: string,
  flagKey: string,
): Promise<FlagConfigRecord> {
  found(
    await findEnvironment(tx, environmentKey),
    'UNVEIL_ERR_ENV_NOT_FOUND',
    `environment "${environmentKey}"`,
  );
  found(await findFlag(tx, flagKey), 'UNVEIL_ERR_FLAG_NOT_FOUND', `flag "${flagKey}"`);
  return (await findConfig(tx, flagKey, environmentKey))!;
}
