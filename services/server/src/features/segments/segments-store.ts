import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { segments } from '../../db/schema.js';

export type SegmentRecord = typeof segments.$inferSelect;
export type SegmentContent = Pick<SegmentRecord, 'name' | 'description' | 'included' | 'excluded' | 'rules'>;

export function listSegments(tx: Executor, environmentKey: string): Promise<SegmentRecord[]> {
  return tx
    .select()
    .from(segments)
    .where(eq(segments.environmentKey, environmentKey))
    .orderBy(asc(segments.key));
}

export async function findSegment(
  tx: Executor,
  environmentKey: string,
  key: string,
  lock?: 'update',
): Promise<SegmentRecord | undefined> {
  const query = tx
    .select()
    .from(segments)
    .where(and(eq(segments.environmentKey, environmentKey), eq(segments.key, key)));
  const [row] = await (lock === undefined ? query : query.for(lock));
  return row;
}

/** Returns undefined when the key is taken in this environment. */
export async function insertSegment(
  tx: Executor,
  environmentKey: string,
  key: string,
  content: SegmentContent,
  at: Date,
): Promise<SegmentRecord | undefined> {
  const [row] = await tx
    .insert(segments)
    .values({ environmentKey, key, ...content, createdAt: at, updatedAt: at })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function updateSegment(
  tx: Executor,
  environmentKey: string,
  key: string,
  content: SegmentContent,
  at: Date,
): Promise<SegmentRecord> {
  const [row] = await tx
    .update(segments)
    .set({ ...content, updatedAt: at, version: sql`${segments.version} + 1` })
    .where(and(eq(segments.environmentKey, environmentKey), eq(segments.key, key)))
    .returning();
  return row!;
}

export async function deleteSegment(tx: Executor, environmentKey: string, key: string): Promise<void> {
  await tx.delete(segments).where(and(eq(segments.environmentKey, environmentKey), eq(segments.key, key)));
}
