import { sql } from 'drizzle-orm';
import type { Executor } from './database.js';

/**
 * Transaction-scoped advisory locks, for invariants that span rows no single row lock covers. The ids are
 * arbitrary but fixed (and differ from the migration lock in database.ts).
 *
 * - catalog: creating a flag adds a config to every environment and creating an environment adds a config
 *   for every flag; each would miss the other's uncommitted row, so they take turns.
 * - bootstrap: instances starting together must not each create a bootstrap admin key.
 */
const LOCK_IDS = { catalog: 0x63617467, bootstrap: 0x626f6f74 } as const;

export async function takeTransactionLock(tx: Executor, lock: keyof typeof LOCK_IDS): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_IDS[lock]})`);
}
