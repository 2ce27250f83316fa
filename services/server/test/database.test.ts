import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../src/db/database.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** The transaction's isolation level and access mode, as Postgres reports them. */
async function settings(tx: Executor): Promise<unknown> {
  const result: unknown = await tx.execute(sql`select current_setting('transaction_isolation') as isolation,
    current_setting('transaction_read_only') as "readOnly"`);
  // postgres.js returns the rows, PGlite an object holding them.
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows)[0];
}

/** What the stores rely on from `Database.transaction`, on whichever backend the suite runs. */
describe('database transactions', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase();
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('reads a snapshot in one repeatable-read, read-only transaction when asked', async () => {
    expect(await database.db.transaction(settings, { readOnlySnapshot: true })).toEqual({
      isolation: 'repeatable read',
      readOnly: 'on',
    });
  });

  it('writes in read committed otherwise', async () => {
    expect(await database.db.transaction(settings)).toEqual({ isolation: 'read committed', readOnly: 'off' });
  });
});
