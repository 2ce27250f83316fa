import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { apiKeys } from '../../db/schema.js';

export type ApiKeyRecord = typeof apiKeys.$inferSelect;
export type NewApiKey = Omit<ApiKeyRecord, 'revokedAt'>;

/** Returns undefined when the name is taken. */
export async function insertKey(tx: Executor, key: NewApiKey): Promise<ApiKeyRecord | undefined> {
  const [row] = await tx
    .insert(apiKeys)
    .values(key)
    .onConflictDoNothing({ target: apiKeys.name })
    .returning();
  return row;
}

export async function findActiveKeyByHash(tx: Executor, keyHash: string): Promise<ApiKeyRecord | undefined> {
  const [row] = await tx
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  return row;
}

export async function findKey(tx: Executor, id: string, lock?: 'update'): Promise<ApiKeyRecord | undefined> {
  const query = tx.select().from(apiKeys).where(eq(apiKeys.id, id));
  const [row] = await (lock === undefined ? query : query.for(lock));
  return row;
}

export async function findKeyByName(
  tx: Executor,
  name: string,
  lock?: 'update',
): Promise<ApiKeyRecord | undefined> {
  const query = tx.select().from(apiKeys).where(eq(apiKeys.name, name));
  const [row] = await (lock === undefined ? query : query.for(lock));
  return row;
}

export function listKeys(tx: Executor): Promise<ApiKeyRecord[]> {
  return tx.select().from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.name));
}

export async function revokeKey(tx: Executor, id: string, at: Date): Promise<ApiKeyRecord> {
  const [row] = await tx.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id)).returning();
  return row!;
}

/** Points an existing key at a new secret and makes it active again (bootstrap key rotation). */
export async function replaceKeySecret(
  tx: Executor,
  id: string,
  secret: Pick<ApiKeyRecord, 'keyHash' | 'displayPrefix'>,
): Promise<ApiKeyRecord> {
  const [row] = await tx
    .update(apiKeys)
    .set({ ...secret, revokedAt: null })
    .where(eq(apiKeys.id, id))
    .returning();
  return row!;
}

export async function countActiveAdminKeys(tx: Executor): Promise<number> {
  const [row] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(apiKeys)
    .where(and(eq(apiKeys.kind, 'admin'), isNull(apiKeys.revokedAt)));
  return row!.count;
}
