import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { flagUsageHourly, trackedEventsHourly } from '../../db/schema.js';

export interface UsageRow {
  environmentKey: string;
  flagKey: string;
  variant: string;
  hour: Date;
  count: number;
}

export interface TrackedRow {
  environmentKey: string;
  event: string;
  hour: Date;
  count: number;
  valueCount: number;
  valueSum: number;
}

/** Adds counts to the hourly rows, creating them as needed. */
export async function addUsage(tx: Executor, rows: readonly UsageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(flagUsageHourly)
    .values([...rows])
    .onConflictDoUpdate({
      target: [
        flagUsageHourly.environmentKey,
        flagUsageHourly.flagKey,
        flagUsageHourly.variant,
        flagUsageHourly.hour,
      ],
      set: { count: sql`${flagUsageHourly.count} + excluded.count` },
    });
}

export async function addTracked(tx: Executor, rows: readonly TrackedRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(trackedEventsHourly)
    .values([...rows])
    .onConflictDoUpdate({
      target: [trackedEventsHourly.environmentKey, trackedEventsHourly.event, trackedEventsHourly.hour],
      set: {
        count: sql`${trackedEventsHourly.count} + excluded.count`,
        valueCount: sql`${trackedEventsHourly.valueCount} + excluded.value_count`,
        valueSum: sql`${trackedEventsHourly.valueSum} + excluded.value_sum`,
      },
    });
}

export function listUsage(
  tx: Executor,
  environmentKey: string,
  flagKey: string,
  since: Date,
): Promise<UsageRow[]> {
  return tx
    .select()
    .from(flagUsageHourly)
    .where(
      and(
        eq(flagUsageHourly.environmentKey, environmentKey),
        eq(flagUsageHourly.flagKey, flagKey),
        gte(flagUsageHourly.hour, since),
      ),
    )
    .orderBy(desc(flagUsageHourly.hour), flagUsageHourly.variant);
}

/** The latest hour in which the flag was evaluated at all, however long ago. */
export async function lastEvaluatedHour(
  tx: Executor,
  environmentKey: string,
  flagKey: string,
): Promise<Date | null> {
  const [row] = await tx
    .select({ hour: sql<Date | string>`max(${flagUsageHourly.hour})` })
    .from(flagUsageHourly)
    .where(and(eq(flagUsageHourly.environmentKey, environmentKey), eq(flagUsageHourly.flagKey, flagKey)));
  return row?.hour == null ? null : new Date(row.hour);
}
