import { validateFlag } from '@unveil/core';
import { assertExpectedVersion, found } from '../../concurrency.js';
import type { Executor } from '../../db/database.js';
import { type FieldError, fieldError, prefixPaths, UnveilError } from '../../errors.js';
import { sameJson } from '../../json.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import type { FlagRecord } from '../flags/flag.js';
import { findFlag } from '../flags/flags-store.js';
import { loadEnvironmentModel } from '../snapshots/snapshot-store.js';
import { type ConfigReferences, findConfigProblems, type StoredFlagConfig } from './flag-config.js';
import { type FlagConfigRecord, findConfig, updateConfig } from './flag-configs-store.js';

/** A configuration change about to be written: the locked row, its flag, and what it becomes. */
export interface PendingConfigChange {
  flag: FlagRecord;
  current: FlagConfigRecord;
  next: StoredFlagConfig;
}

/**
 * Locks a flag's configuration row in an environment the caller has locked, checks the flag is live and
 * the expected version, and computes the next configuration. Nothing is written yet: the caller decides
 * (change gate) whether it applies now, waits for approval, or is refused.
 */
export async function prepareConfigChange(
  tx: Executor,
  environmentKey: string,
  flagKey: string,
  context: WriteContext,
  next: (current: FlagConfigRecord) => StoredFlagConfig | Promise<StoredFlagConfig>,
): Promise<PendingConfigChange> {
  // Independent statements go out together (postgres.js pipelines them on the transaction's connection).
  const [flagRow, currentRow] = await Promise.all([
    findFlag(tx, flagKey),
    findConfig(tx, flagKey, environmentKey, 'update'),
  ]);
  const flag = found(flagRow, 'UNVEIL_ERR_FLAG_NOT_FOUND', `flag "${flagKey}"`);
  if (flag.archived) {
    throw new UnveilError('UNVEIL_ERR_FLAG_ARCHIVED', { detail: `flag "${flagKey}" is archived` });
  }
  // Every flag has a configuration in every environment: the row exists once the flag does.
  const current = currentRow!;
  assertExpectedVersion(`flag "${flagKey}" in ${environmentKey}`, current.version, context.expectedVersion);
  return { flag, current, next: await next(current) };
}

export function isNoChange(change: PendingConfigChange): boolean {
  return sameJson(change.next, change.current.config);
}

/** Turning a live flag off and nothing else: the kill switch, which no freeze or approval holds back. */
export function isKillSwitch(change: PendingConfigChange): boolean {
  return (
    change.current.config.enabled &&
    !change.next.enabled &&
    sameJson({ ...change.next, enabled: true }, change.current.config)
  );
}

/**
 * Validates and writes a prepared change as the next version, with its history row and audit entry. The
 * caller holds the environment lock and bumps the environment's snapshot version once per transaction.
 */
export async function writeConfigChange(
  tx: Executor,
  change: PendingConfigChange,
  context: WriteContext,
  action: string,
  at: Date,
): Promise<FlagConfigRecord> {
  const { flag, current, next } = change;
  await assertConsistent(tx, current.environmentKey, flag, next);
  const updated: FlagConfigRecord = { ...current, config: next, version: current.version + 1, updatedAt: at };
  await Promise.all([
    updateConfig(tx, updated, context.actor),
    appendAuditEntry(tx, context, {
      at,
      action,
      resourceType: 'flag-config',
      resourceKey: flag.key,
      environmentKey: current.environmentKey,
      before: current,
      after: updated,
    }),
  ]);
  return updated;
}

/**
 * Our own checks report every dangling reference at once; core's validator then has the last word,
 * since it is the code SDKs compile with (operands, regexes, semver and date values).
 */
export async function assertConsistent(
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
