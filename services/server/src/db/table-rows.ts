import { type Column, getTableColumns, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './database.js';

/**
 * Runs a hand-written statement that selects whole rows of `table` (`select * from …`) and decodes them as
 * drizzle's query builder would (timestamps to Dates, jsonb to values, camelCase fields). For the
 * statements every admin write runs: building a `select … for update` with drizzle's builder costs ~32 µs,
 * the same statement as a `sql` template ~1.5 µs, and a write runs about nine of them.
 */
export async function selectRows<T extends PgTable>(
  tx: Executor,
  table: T,
  statement: SQL,
): Promise<T['$inferSelect'][]> {
  const rows = await executeRows(tx, statement);
  const decoders = decodersOf(table);
  return rows.map((row) => {
    const decoded: Record<string, unknown> = {};
    for (const [field, column] of decoders) {
      const value = row[column.name];
      decoded[field] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return decoded as T['$inferSelect'];
  });
}

const decoderCache = new WeakMap<PgTable, [string, Column][]>();

function decodersOf(table: PgTable): [string, Column][] {
  let decoders = decoderCache.get(table);
  if (decoders === undefined) {
    decoders = Object.entries(getTableColumns(table));
    decoderCache.set(table, decoders);
  }
  return decoders;
}

/** The rows a hand-written statement returns, as the driver decoded them (no drizzle mapping). */
export async function executeRows(tx: Executor, statement: SQL): Promise<Record<string, unknown>[]> {
  const result: unknown = await tx.execute(statement);
  // postgres.js answers with the rows, PGlite with an object holding them.
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
}
