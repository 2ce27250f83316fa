import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { flagConfigs, flagConfigVersions, flags } from '../../db/schema.js';
import { selectRows } from '../../db/table-rows.js';
import type { StoredFlagConfig } from './flag-config.js';

export type FlagConfigRecord = typeof flagConfigs.$inferSelect;

export interface FlagConfigVersionRecord {
  version: number;
  config: StoredFlagConfig;
  at: Date;
  actor: string;
}

/** Creates version 1 of each configuration together with its history entry. */
export async function insertInitialConfigs(
  tx: Executor,
  configs: { flagKey: string; environmentKey: string; config: StoredFlagConfig }[],
  at: Date,
  actor: string,
): Promise<void> {
  if (configs.length === 0) return;
  await tx.insert(flagConfigs).values(configs.map((config) => ({ ...config, updatedAt: at })));
  await tx.insert(flagConfigVersions).values(configs.map((config) => ({ ...config, version: 1, at, actor })));
}

export async function findConfig(
  tx: Executor,
  flagKey: string,
  environmentKey: string,
  lock?: 'update',
): Promise<FlagConfigRecord | undefined> {
  const [row] = await selectRows(
    tx,
    flagConfigs,
    sql`select * from ${flagConfigs} where ${flagConfigs.flagKey} = ${flagKey} and ${flagConfigs.environmentKey} = ${environmentKey}${lock === undefined ? sql`` : sql` for update`}`,
  );
  return row;
}

export function listConfigsOfFlag(tx: Executor, flagKey: string): Promise<FlagConfigRecord[]> {
  return tx
    .select()
    .from(flagConfigs)
    .where(eq(flagConfigs.flagKey, flagKey))
    .orderBy(asc(flagConfigs.environmentKey));
}

/**
 * Writes the next version of a configuration and its history row. The caller holds the row lock and
 * computed `next` from the locked row, so both statements go out together (one round trip on Postgres).
 */
export async function updateConfig(tx: Executor, next: FlagConfigRecord, actor: string): Promise<void> {
  const { flagKey, environmentKey, config, version, updatedAt } = next;
  const json = JSON.stringify(config);
  const at = updatedAt.toISOString();
  // Hand-written: every admin write runs these (see table-rows.ts for what drizzle's builder costs).
  await Promise.all([
    tx.execute(
      sql`update ${flagConfigs} set config = ${json}::jsonb, updated_at = ${at}::timestamptz, version = ${version}
        where flag_key = ${flagKey} and environment_key = ${environmentKey}`,
    ),
    tx.execute(
      sql`insert into ${flagConfigVersions} (flag_key, environment_key, version, config, at, actor)
        values (${flagKey}, ${environmentKey}, ${version}, ${json}::jsonb, ${at}::timestamptz, ${actor})`,
    ),
  ]);
}

const versionColumns = {
  version: flagConfigVersions.version,
  config: flagConfigVersions.config,
  at: flagConfigVersions.at,
  actor: flagConfigVersions.actor,
};

export function listConfigVersions(
  tx: Executor,
  flagKey: string,
  environmentKey: string,
): Promise<FlagConfigVersionRecord[]> {
  return tx
    .select(versionColumns)
    .from(flagConfigVersions)
    .where(
      and(eq(flagConfigVersions.flagKey, flagKey), eq(flagConfigVersions.environmentKey, environmentKey)),
    )
    .orderBy(asc(flagConfigVersions.version));
}

export async function findConfigVersion(
  tx: Executor,
  flagKey: string,
  environmentKey: string,
  version: number,
): Promise<FlagConfigVersionRecord | undefined> {
  const [row] = await tx
    .select(versionColumns)
    .from(flagConfigVersions)
    .where(
      and(
        eq(flagConfigVersions.flagKey, flagKey),
        eq(flagConfigVersions.environmentKey, environmentKey),
        eq(flagConfigVersions.version, version),
      ),
    );
  return row;
}

/** Live flags of one environment with their definition and configuration: what its SDKs see. */
export function listLiveFlagsWithConfig(tx: Executor, environmentKey: string) {
  return tx
    .select({
      key: flags.key,
      type: flags.type,
      variants: flags.variants,
      clientSide: flags.clientSide,
      definitionVersion: flags.version,
      config: flagConfigs.config,
      configVersion: flagConfigs.version,
    })
    .from(flags)
    .innerJoin(flagConfigs, eq(flagConfigs.flagKey, flags.key))
    .where(and(eq(flags.archived, false), eq(flagConfigs.environmentKey, environmentKey)))
    .orderBy(asc(flags.key));
}

/** Keys of live flags whose configuration in this environment has a rule condition on the segment. */
export async function findFlagsUsingSegment(
  tx: Executor,
  environmentKey: string,
  segmentKey: string,
): Promise<string[]> {
  const rows = await tx
    .select({ flagKey: flagConfigs.flagKey })
    .from(flagConfigs)
    .innerJoin(flags, eq(flags.key, flagConfigs.flagKey))
    .where(
      and(
        eq(flags.archived, false),
        eq(flagConfigs.environmentKey, environmentKey),
        sql`jsonb_path_exists(${flagConfigs.config}, '$.rules[*].conditions[*] ? (@.operator == "inSegment" && @.values[*] == $segment)', jsonb_build_object('segment', ${segmentKey}::text))`,
      ),
    );
  return rows.map((row) => row.flagKey);
}
