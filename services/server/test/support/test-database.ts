import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../src/db/database.js';

export interface TestDatabase {
  db: Database;
  /** The database's URL when it is a Postgres one, for tests that open more connections to it. */
  url?: string;
  dispose(): Promise<void>;
}

/**
 * A freshly migrated database of its own for one test file: a copy of a PGlite data directory, or a
 * Postgres database cloned from a template when DATABASE_URL is set. Migrating takes seconds; copying
 * a migrated template takes a fraction of one, so the template is built once per migration set.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  return url === undefined || url === '' ? openPgliteCopy() : openPostgresClone(url);
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Changes whenever a migration does, so a stale template is never reused. */
async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(migrationsFolder, { recursive: true })).sort();
  for (const file of files) {
    const path = join(migrationsFolder, file);
    if ((await stat(path)).isFile()) hash.update(file).update(await readFile(path));
  }
  return hash.digest('hex').slice(0, 16);
}

async function openPgliteCopy(): Promise<TestDatabase> {
  const template = await ensurePgliteTemplate();
  const dataDir = join(tmpdir(), 'unveil-server-test', `db-${randomUUID()}`);
  await cp(template, dataDir, { recursive: true });
  const db = await openDatabase({ dataDir });
  return {
    db,
    async dispose() {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A migrated PGlite data directory to copy, built by the first test file (of any suite) to get here while
 * the others wait for it (a cross-process lock), and keyed by a hash of the migrations so that a changed
 * schema never reuses a stale one. Also used by the end-to-end suite, whose server processes start on
 * copies of it.
 */
export async function ensurePgliteTemplate(): Promise<string> {
  const root = join(tmpdir(), 'unveil-server-test');
  const template = join(root, `template-${await migrationsHash()}`);
  const lock = `${template}.lock`;
  await mkdir(root, { recursive: true });
  const deadline = Date.now() + 120_000;
  while (!existsSync(template)) {
    if (await tryMkdir(lock)) {
      try {
        if (!existsSync(template)) await buildPgliteTemplate(template);
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    } else {
      // A lock left by a run that was killed mid-build is older than any build takes.
      const age = await stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > 120_000) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${template} (remove ${lock} if stale)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return template;
}

/** Also removes templates of older migration sets, which no run will use again. */
async function buildPgliteTemplate(template: string): Promise<void> {
  const root = dirname(template);
  for (const entry of await readdir(root)) {
    if (entry.startsWith('template-') && !entry.endsWith('.lock'))
      await rm(join(root, entry), { recursive: true, force: true });
  }
  const building = `${template}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  const db = await openDatabase({ dataDir: building });
  await db.migrate();
  await db.close();
  await rename(building, template);
}

async function tryMkdir(path: string): Promise<boolean> {
  try {
    await mkdir(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

// Serializes template creation and cloning across test processes; arbitrary but fixed.
const TEMPLATE_LOCK_ID = 0x74706c;

async function openPostgresClone(url: string): Promise<TestDatabase> {
  const admin = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const template = `unveil_tpl_${await migrationsHash()}`;
  const name = `unveil_test_${randomUUID().replaceAll('-', '')}`;
  try {
    await admin`select pg_advisory_lock(${TEMPLATE_LOCK_ID})`;
    try {
      const [existing] = await admin`select 1 from pg_database where datname = ${template}`;
      if (existing === undefined) await buildPostgresTemplate(admin, url, template);
      await admin.unsafe(`create database "${name}" template "${template}"`);
    } finally {
      await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_ID})`;
    }
  } catch (error) {
    await admin.end();
    throw new Error(`DATABASE_URL is set but the test database could not be prepared: ${String(error)}`, {
      cause: error,
    });
  }
  const cloneUrl = withDatabase(url, name);
  const db = await openDatabase({ databaseUrl: cloneUrl });
  return {
    db,
    url: cloneUrl,
    async dispose() {
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** Also drops templates of older migration sets, which no run will use again. */
async function buildPostgresTemplate(admin: postgres.Sql, url: string, template: string): Promise<void> {
  const stale = await admin<
    { datname: string }[]
  >`select datname from pg_database where datname like 'unveil\_tpl\_%'`;
  for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  const building = `${template}_building`;
  await admin.unsafe(`drop database if exists "${building}" with (force)`);
  await admin.unsafe(`create database "${building}"`);
  const db = await openDatabase({ databaseUrl: withDatabase(url, building) });
  await db.migrate();
  await db.close();
  await admin.unsafe(`alter database "${building}" rename to "${template}"`);
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
