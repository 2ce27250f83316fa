import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { freezes } from '../../db/schema.js';
import { selectRows } from '../../db/table-rows.js';

export type FreezeRecord = typeof freezes.$inferSelect;

/** Returns undefined when the key is taken in that environment. */
export async function insertFreeze(tx: Executor, freeze: FreezeRecord): Promise<FreezeRecord | undefined> {
  const [row] = await tx.insert(freezes).values(freeze).onConflictDoNothing().returning();
  return row;
}

export function listFreezes(tx: Executor, environmentKey: string): Promise<FreezeRecord[]> {
  return selectRows(
    tx,
    freezes,
    sql`select * from ${freezes} where ${freezes.environmentKey} = ${environmentKey} order by ${freezes.key}`,
  );
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
