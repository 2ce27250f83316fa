import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { freezes } from '../../db/schema.js';

export type FreezeRecord = typeof freezes.$inferSelect;

/** Returns undefined when the key is taken in that environment. */
export async function insertFreeze(tx: Executor, freeze: FreezeRecord): Promise<FreezeRecord | undefined> {
  const [row] = await tx.insert(freezes).values(freeze).onConflictDoNothing().returning();
  return row;
}

export function listFreezes(tx: Executor, environmentKey: string): Promise<FreezeRecord[]> {
  return tx
    .select()
    .from(freezes)
    .where(eq(freezes.environmentKey, environmentKey))
    .orderBy(asc(freezes.key));
}

export async function findFreeze(
  tx: Executor,
  environmentKey: string,
  key: string,
): Promise<FreezeRecord | undefined> {
  const [row] = await tx
    .select()
    .from(freezes)
    .where(and(eq(freezes.environmentKey, environmentKey), eq(freezes.key, key)));
  return row;
}

export async function deleteFreeze(tx: Executor, environmentKey: string, key: string): Promise<void> {
  await tx.delete(freezes).where(and(eq(freezes.environmentKey, environmentKey), eq(freezes.key, key)));
}
