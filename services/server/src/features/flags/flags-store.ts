import { and, asc, eq, gt, ilike, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { flagConfigs, flags, flagVersions } from '../../db/schema.js';
import { selectRows } from '../../db/table-rows.js';
import type { FlagDefinition, FlagRecord } from './flag.js';

export interface FlagListQuery {
  tag?: string;
  /** Case-insensitive substring of key, name or description. */
  text?: string;
  archived: boolean | 'all';
  /** Keyset pagination: only flags whose key sorts after this one. */
  afterKey?: string;
  limit: number;
}

export interface FlagVersionRecord {
  version: number;
  definition: FlagDefinition;
  at: Date;
  actor: string;
}

/** Returns undefined when the key is taken. */
export async function insertFlag(
  tx: Executor,
  definition: FlagDefinition,
  at: Date,
): Promise<FlagRecord | undefined> {
  const [row] = await tx
    .insert(flags)
    .values({ ...definition, createdAt: at, updatedAt: at })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function findFlag(
  tx: Executor,
  key: string,
  lock?: 'update' | 'share',
): Promise<FlagRecord | undefined> {
  const [row] = await selectRows(
    tx,
    flags,
    sql`select * from ${flags} where ${flags.key} = ${key}${lock === undefined ? sql`` : sql` for ${sql.raw(lock)}`}`,
  );
  return row as FlagRecord | undefined;
}

export function listFlags(tx: Executor, query: FlagListQuery): Promise<FlagRecord[]> {
  const pattern = query.text === undefined ? undefined : `%${escapeLike(query.text)}%`;
  return tx
    .select()
    .from(flags)
    .where(
      and(
        query.archived === 'all' ? undefined : eq(flags.archived, query.archived),
        query.tag === undefined ? undefined : sql`${flags.tags} @> array[${query.tag}]::text[]`,
        pattern === undefined
          ? undefined
          : or(ilike(flags.key, pattern), ilike(flags.name, pattern), ilike(flags.description, pattern)),
        query.afterKey === undefined ? undefined : gt(flags.key, query.afterKey),
      ),
    )
    .orderBy(asc(flags.key))
    .limit(query.limit);
}

export async function updateFlag(tx: Executor, definition: FlagDefinition, at: Date): Promise<FlagRecord> {
  const { key, type: _immutableType, ...changes } = definition;
  const [row] = await tx
    .update(flags)
    .set({ ...changes, updatedAt: at, version: sql`${flags.version} + 1` })
    .where(eq(flags.key, key))
    .returning();
  return row!;
}

export async function insertFlagVersion(tx: Executor, record: FlagRecord, actor: string): Promise<void> {
  const { version, createdAt: _createdAt, updatedAt, ...definition } = record;
  await tx.insert(flagVersions).values({ flagKey: record.key, version, definition, at: updatedAt, actor });
}

export async function listFlagVersions(tx: Executor, key: string): Promise<FlagVersionRecord[]> {
  return tx
    .select({
      version: flagVersions.version,
      definition: flagVersions.definition,
      at: flagVersions.at,
      actor: flagVersions.actor,
    })
    .from(flagVersions)
    .where(eq(flagVersions.flagKey, key))
    .orderBy(asc(flagVersions.version));
}

export async function findFlagVersion(
  tx: Executor,
  key: string,
  version: number,
): Promise<FlagVersionRecord | undefined> {
  const [row] = await tx
    .select({
      version: flagVersions.version,
      definition: flagVersions.definition,
      at: flagVersions.at,
      actor: flagVersions.actor,
    })
    .from(flagVersions)
    .where(and(eq(flagVersions.flagKey, key), eq(flagVersions.version, version)));
  return row;
}

/** Live flags that name `key` as a prerequisite in some environment, with the variants they require. */
export async function findDependents(
  tx: Executor,
  key: string,
): Promise<{ flagKey: string; environmentKey: string; variants: string[] }[]> {
  const rows = await tx
    .select({
      flagKey: flagConfigs.flagKey,
      environmentKey: flagConfigs.environmentKey,
      config: flagConfigs.config,
    })
    .from(flagConfigs)
    .innerJoin(flags, eq(flags.key, flagConfigs.flagKey))
    .where(
      and(
        eq(flags.archived, false),
        sql`${flagConfigs.config}->'prerequisites' @> ${JSON.stringify([{ flag: key }])}::jsonb`,
      ),
    );
  return rows.map((row) => ({
    flagKey: row.flagKey,
    environmentKey: row.environmentKey,
    variants: row.config.prerequisites.filter((p) => p.flag === key).flatMap((p) => p.variants),
  }));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Every flag, archived or not, with its variants: enough to give a new environment its configs. */
export function listAllFlagVariants(tx: Executor): Promise<Pick<FlagRecord, 'key' | 'variants'>[]> {
  return tx.select({ key: flags.key, variants: flags.variants }).from(flags).orderBy(asc(flags.key));
}
