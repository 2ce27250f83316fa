import { asc, eq, inArray, sql } from 'drizzle-orm';
import { found } from '../../concurrency.js';
import { noteEnvironmentVersions } from '../../db/committed-changes.js';
import type { Executor } from '../../db/database.js';
import { environments } from '../../db/schema.js';
import { executeRows, selectRows } from '../../db/table-rows.js';

export type EnvironmentRecord = typeof environments.$inferSelect;
export type NewEnvironment = Pick<EnvironmentRecord, 'key' | 'name' | 'protected' | 'createdAt'>;

/** Returns undefined when the key is taken. */
export async function insertEnvironment(
  tx: Executor,
  environment: NewEnvironment,
): Promise<EnvironmentRecord | undefined> {
  const [row] = await tx
    .insert(environments)
    .values({ ...environment, updatedAt: environment.createdAt })
    .onConflictDoNothing()
    .returning();
  return row;
}

export function listEnvironments(tx: Executor): Promise<EnvironmentRecord[]> {
  return tx.select().from(environments).orderBy(asc(environments.key));
}

export async function findEnvironment(tx: Executor, key: string): Promise<EnvironmentRecord | undefined> {
  const [row] = await tx.select().from(environments).where(eq(environments.key, key));
  return row;
}

/** The environment, or its 404. */
export async function requireEnvironment(tx: Executor, key: string): Promise<EnvironmentRecord> {
  return found(await findEnvironment(tx, key), 'UNVEIL_ERR_ENV_NOT_FOUND', `environment "${key}"`);
}

/**
 * Every write that changes what an environment's SDKs see locks the environment row first. That
 * serializes those writes per environment (cheap: admin writes are rare) and makes the checks that
 * span rows — prerequisite cycles, segments in use — safe without SERIALIZABLE isolation.
 * Locks are taken in key order, so writers that lock several environments cannot deadlock.
 */
export function lockEnvironments(tx: Executor, keys?: readonly string[]): Promise<EnvironmentRecord[]> {
  const only = keys === undefined ? sql`` : sql` where ${inArray(environments.key, [...keys])}`;
  return selectRows(
    tx,
    environments,
    sql`select * from ${environments}${only} order by ${environments.key} for update`,
  );
}

export async function updateEnvironment(
  tx: Executor,
  key: string,
  changes: Partial<Pick<EnvironmentRecord, 'name' | 'protected'>> & { updatedAt: Date },
): Promise<EnvironmentRecord> {
  const [row] = await tx
    .update(environments)
    .set({ ...changes, version: sql`${environments.version} + 1` })
    .where(eq(environments.key, key))
    .returning();
  return row!;
}

/**
 * The environment's lock if nobody holds it, else undefined at once: for the scheduler, which has other
 * environments to serve while another instance works through this one.
 */
export async function tryLockEnvironment(tx: Executor, key: string): Promise<EnvironmentRecord | undefined> {
  const [row] = await tx
    .select()
    .from(environments)
    .where(eq(environments.key, key))
    .for('update', { skipLocked: true });
  return row;
}

/** Call once per transaction that changes what these environments' SDKs see, after locking them. */
export async function bumpSnapshotVersions(tx: Executor, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const bumped = await executeRows(
    tx,
    sql`update ${environments} set snapshot_version = snapshot_version + 1
      where ${inArray(environments.key, [...keys])} returning key as environment, snapshot_version as version`,
  );
  // Announced to the delivery layer once the transaction commits.
  noteEnvironmentVersions(
    tx,
    bumped.map((row) => ({ environment: row.environment as string, version: row.version as number })),
  );
}
