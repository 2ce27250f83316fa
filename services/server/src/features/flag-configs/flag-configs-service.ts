import { validateFlag } from '@unveil/core';
import type { Clock } from '../../clock.js';
import { assertExpectedVersion, found } from '../../concurrency.js';
import type { Database, Executor } from '../../db/database.js';
import { type FieldError, fieldError, prefixPaths, UnveilError } from '../../errors.js';
import { sameJson } from '../../json.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import {
  bumpSnapshotVersions,
  findEnvironment,
  lockEnvironments,
} from '../environments/environments-store.js';
import type { FlagRecord } from '../flags/flag.js';
import { findFlag } from '../flags/flags-store.js';
import { loadEnvironmentModel } from '../snapshots/snapshot-store.js';
import { type ConfigReferences, findConfigProblems, type StoredFlagConfig } from './flag-config.js';
import {
  type FlagConfigRecord,
  type FlagConfigVersionRecord,
  findConfig,
  findConfigVersion,
  listConfigVersions,
  updateConfig,
} from './flag-configs-store.js';

export class FlagConfigsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  get(environmentKey: string, flagKey: string): Promise<FlagConfigRecord> {
    return this.db.transaction((tx) => requireConfig(tx, environmentKey, flagKey));
  }

  put(
    environmentKey: string,
    flagKey: string,
    config: StoredFlagConfig,
    context: WriteContext,
  ): Promise<FlagConfigRecord> {
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
  ): Promise<FlagConfigRecord> {
    return this.write(environmentKey, flagKey, context, 'flag-config.restore-version', async (tx) => {
      const restored = await findConfigVersion(tx, flagKey, environmentKey, version);
      const detail = `flag "${flagKey}" has no version ${version} in ${environmentKey}`;
      return found(restored, 'UNVEIL_ERR_VERSION_NOT_FOUND', detail).config;
    });
  }

  /**
   * The one write path for a configuration. Writing what is already stored changes nothing: no new
   * version, no audit entry, no snapshot bump.
   */
  private write(
    environmentKey: string,
    flagKey: string,
    context: WriteContext,
    action: string,
    next: (tx: Executor) => StoredFlagConfig | Promise<StoredFlagConfig>,
  ): Promise<FlagConfigRecord> {
    return this.db.transaction(async (tx) => {
      // Independent statements go out together (postgres.js pipelines them on the transaction's
      // connection and runs them in order): the environment lock is still taken first, and the fewer
      // round trips the lock is held for, the more writes an environment takes per second.
      const [[environment], flagRow, currentRow] = await Promise.all([
        lockEnvironments(tx, [environmentKey]),
        findFlag(tx, flagKey),
        findConfig(tx, flagKey, environmentKey, 'update'),
      ]);
      found(environment, 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${environmentKey}"`);
      const flag = found(flagRow, 'UNVEIL_ERR_FLAG_NOT_FOUND', `flag "${flagKey}"`);
      if (flag.archived) {
        throw new UnveilError('UNVEIL_ERR_FLAG_ARCHIVED', { detail: `flag "${flagKey}" is archived` });
      }
      const current = currentRow!;
      assertExpectedVersion(
        `flag "${flagKey}" in ${environmentKey}`,
        current.version,
        context.expectedVersion,
      );
      const config = await next(tx);
      if (sameJson(config, current.config)) return current;

      await throwIfInconsistent(tx, environmentKey, flag, config);
      const updated: FlagConfigRecord = {
        ...current,
        config,
        version: current.version + 1,
        updatedAt: this.clock.now(),
      };
      await Promise.all([
        updateConfig(tx, updated, context.actor),
        bumpSnapshotVersions(tx, [environmentKey]),
        appendAuditEntry(tx, context, {
          at: updated.updatedAt,
          action,
          resourceType: 'flag-config',
          resourceKey: flagKey,
          environmentKey,
          before: current,
          after: updated,
        }),
      ]);
      return updated;
    });
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

/**
 * Our own checks report every dangling reference at once; core's validator then has the last word,
 * since it is the code SDKs compile with (operands, regexes, semver and date values).
 */
async function throwIfInconsistent(
  tx: Executor,
  environmentKey: string,
  flag: FlagRecord,
  config: StoredFlagConfig,
): Promise<void> {
  // Only a configuration that refers to segments or other flags needs the rest of the environment read:
  // a cycle through this flag needs a prerequisite of its own. Most writes skip two queries here.
  const refersOutward =
    config.prerequisites.length > 0 ||
    config.rules.some((rule) => rule.conditions.some((condition) => condition.operator === 'inSegment'));
  const model = refersOutward ? await loadEnvironmentModel(tx, environmentKey) : { flags: [], segments: [] };
  const self = { key: flag.key, type: flag.type, variants: flag.variants, clientSide: flag.clientSide };
  const others = model.flags.filter((other) => other.key !== flag.key);
  const references: ConfigReferences = {
    flagKey: flag.key,
    variantKeys: new Set(self.variants.map((variant) => variant.key)),
    segmentKeys: new Set(model.segments.map((segment) => segment.key)),
    flags: new Map(
      others.map((other) => [
        other.key,
        {
          variantKeys: new Set(other.variants.map((variant) => variant.key)),
          prerequisites: (other.prerequisites ?? []).map((prerequisite) => prerequisite.flag),
        },
      ]),
    ),
  };
  let problems: FieldError[] = findConfigProblems(config, references);
  if (problems.length === 0) {
    const issues = validateFlag({ ...self, ...config }, { flags: others, segments: model.segments });
    problems = issues.map((issue) => fieldError(issue.path, issue.message));
  }
  if (problems.length > 0) {
    throw new UnveilError('UNVEIL_ERR_FLAG_CONFIG_INVALID', { errors: prefixPaths('/body', problems) });
  }
}
