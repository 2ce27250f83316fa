import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type PgDatabase, type PgQueryResultHKT, pgSchema, serial } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { type CommitListener, withCommitNotes } from './committed-changes.js';
import { boundedByRequestDeadline, outsideRequestDeadline } from './request-deadline.js';
import * as schema from './schema.js';

/** What stores run their queries on: the database itself or an open transaction. */
export type Executor = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction; Postgres' READ COMMITTED unless told otherwise. */
  transaction<T>(work: (tx: Executor) => Promise<T>, options?: { readOnlySnapshot?: boolean }): Promise<T>;
  /** Applies pending migrations; safe when several instances start at once. */
  migrate(): Promise<void>;
  /** Database reachable and every migration of this build applied. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
  /** Called after every commit that moved environments' snapshot versions (see committed-changes.ts). */
  onCommitted(listener: CommitListener): () => void;
}

export type DatabaseOptions = { databaseUrl: string } | { dataDir: string };

/** Postgres when a URL is given, otherwise embedded PGlite persisted in `dataDir`. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return 'databaseUrl' in options ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}

// Any constant would do: it only has to be the same for every instance of the server.
const MIGRATION_LOCK_ID = 0x756e7665;
const migrationsFolder = findMigrationsFolder();
/** drizzle's own bookkeeping table, read to tell whether this build's migrations are all applied. */
const appliedMigrations = pgSchema('drizzle').table('__drizzle_migrations', {
  id: serial('id').primaryKey(),
});
const migrationCount = countMigrations(migrationsFolder);

/**
 * Seconds before postgres.js reconnects after a failed connection: 50 ms, 100 ms, … at most 1 s. Its
 * default grows to 20 s over an outage, and a query waits out the delay of the connection it is given:
 * during an outage requests that should answer 503 (or from memory) hung for 10 s and more, and once the
 * database was back the pool took as long again to use it.
 */
const reconnectBackoff = (retries: number) => Math.min(0.05 * 2 ** retries, 1);

/**
 * drizzle sends every query it did not name with `prepare: false`, and postgres.js then asks the server to
 * describe each one before running it: a round trip per query, and nothing pipelined — statements sent
 * together with `Promise.all` still went out one at a time. Prepared (per connection, keyed by the SQL
 * text, which is one of a few shapes per query), a query runs in one round trip and independent queries
 * share one. Applies inside transactions and savepoints too, whose handles postgres.js creates.
 */
function preparedStatements<T extends object>(sql: T): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        return (query: string, parameters?: unknown[], options?: object) =>
          value.call(target, query, parameters, { ...options, prepare: true });
      }
      if (property === 'begin' || property === 'savepoint') {
        // (options?, work): the work receives the transaction's own handle, which gets the same treatment.
        return (...args: unknown[]) => {
          const work = args.pop() as (handle: object) => unknown;
          return value.call(target, ...args, (handle: object) => work(preparedStatements(handle)));
        };
      }
      return value;
    },
  });
}

function openPostgres(url: string): Database {
  const listeners = new Set<CommitListener>();
  const client = postgres(url, { onnotice: () => {}, backoff: reconnectBackoff });
  const db: Executor = drizzlePostgres(preparedStatements(client), { schema });
  return {
    kind: 'postgres',
    // Only a server over the network can fall silent; PGlite answers or throws.
    transaction: (work, options) =>
      boundedByRequestDeadline(
        withCommitNotes((noted) => db.transaction(noted, transactionConfig(options)), work, listeners),
      ),
    onCommitted: subscriber(listeners),
    async migrate() {
      // Advisory locks belong to a session: a one-connection client keeps the lock and the migration on it.
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres(single), { migrationsFolder });
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    isReady: () => isReady(db),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  await mkdir(dataDir, { recursive: true });
  const listeners = new Set<CommitListener>();
  const client = await PGlite.create(dataDir);
  const db: Executor = drizzlePglite(client, { schema });
  return {
    kind: 'pglite',
    transaction: (work, options) =>
      withCommitNotes((noted) => db.transaction(noted, transactionConfig(options)), work, listeners),
    onCommitted: subscriber(listeners),
    // PGlite admits one process per data directory, so no other instance can be migrating it.
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    isReady: () => isReady(db),
    close: () => client.close(),
  };
}

function subscriber(listeners: Set<CommitListener>): Database['onCommitted'] {
  return (listener) => {
    // Listeners set off delivery (reloads for every SDK), which must not inherit the deadline of the
    // request whose commit they hear of: a write answered "not confirmed" still commits, and is delivered.
    const unbounded: CommitListener = (changes) => outsideRequestDeadline(() => listener(changes));
    listeners.add(unbounded);
    return () => listeners.delete(unbounded);
  };
}

function transactionConfig(options: { readOnlySnapshot?: boolean } | undefined) {
  return options?.readOnlySnapshot
    ? ({ isolationLevel: 'repeatable read', accessMode: 'read only' } as const)
    : undefined;
}

/**
 * A database that does not answer this fast is not ready. Without a bound, a network partition (no
 * reset, only silence) made `/readyz` hang for as long as TCP takes to give up, minutes.
 */
const READINESS_DEADLINE_MS = 2_000;

async function isReady(db: Executor): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_DEADLINE_MS);
  });
  const check = db.$count(appliedMigrations).then(
    (applied) => applied >= migrationCount,
    () => false,
  );
  try {
    return await Promise.race([check, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `drizzle/` sits next to `src/` in the sources and next to `dist/` in the published package. */
function findMigrationsFolder(): string {
  for (const candidate of ['../../drizzle', '../drizzle']) {
    const folder = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${folder}/meta/_journal.json`)) return folder;
  }
  throw new Error(`migrations folder not found next to ${fileURLToPath(import.meta.url)}`);
}

function countMigrations(folder: string): number {
  const journal: { entries: unknown[] } = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8'));
  return journal.entries.length;
}
