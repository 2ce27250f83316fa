import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { ensurePgliteTemplate } from '../../services/server/test/support/test-database.js';
import { AdminApi } from './admin-api.js';

/** Where `src/server.ts` runs from: its tsconfig maps `@unveil/core` to the sources, as vitest does. */
const SERVER_DIR = fileURLToPath(new URL('../../services/server/', import.meta.url));

/**
 * A real Unveil server process (`node --import tsx services/server/src/server.ts`) on a port and a
 * database of its own, which survives restarts: `kill()` / `stop()` end the process, `start()` brings it
 * back on the same port and the same data.
 */
export interface UnveilServer {
  /** `http://127.0.0.1:<port>`: the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** The bootstrap admin key the process was started with (`UNVEIL_ADMIN_KEY`). */
  readonly adminKey: string;
  /** The admin API, authenticated with `adminKey`. */
  readonly admin: AdminApi;
  /** Whether a process is running now. */
  readonly running: boolean;
  /** The running process's id (for /proc readings); undefined while stopped. */
  readonly pid: number | undefined;
  /** Starts the process (again) and resolves once `/readyz` answers 200. */
  start(): Promise<void>;
  /** `kill -9`: no goodbye to anyone; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful shutdown (goaway to every SDK); resolves once the process has exited. */
  stop(): Promise<void>;
  /** What the process wrote, for failure messages. */
  output(): string;
  /** Ends the process and deletes its database (unless it was given one to share). Idempotent. */
  dispose(): Promise<void>;
}

export interface ServerOptions {
  /** Extra environment variables for the process; they override the database's (e.g. a proxied URL). */
  env?: Record<string, string>;
  /**
   * A database from `createDatabase()` that several servers share (instances of one deployment); its
   * owner disposes of it. By default each server gets a fresh one of its own, dropped by `dispose()`.
   */
  database?: ServerDatabase;
  /** The bootstrap admin key; servers sharing a database must share it too (the last one started wins). */
  adminKey?: string;
}

/** Every process started here, killed if the test process exits without disposing of them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts a server on a free port with a fresh database: a PGlite data directory in a temporary
 * directory, or — when `DATABASE_URL` is set — a new Postgres database on that server (never the
 * database named in the URL itself), dropped by `dispose()`. Given `options.database`, it uses that one
 * instead and leaves it be.
 */
export async function startServer(options: ServerOptions = {}): Promise<UnveilServer> {
  const owned = options.database === undefined;
  const database = options.database ?? (await createDatabase());
  const port = await freePort();
  const adminKey = options.adminKey ?? newAdminKey();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    UNVEIL_ADMIN_KEY: adminKey,
    UNVEIL_DEMO: '0',
    LOG_LEVEL: 'warn',
    UNVEIL_SHUTDOWN_TIMEOUT_MS: '5000',
    // The tests poll the admin API (delivery proof, versions) far faster than people do.
    UNVEIL_ADMIN_RATE_LIMIT: '1000000',
    ...database.env,
    ...options.env,
  };
  // On PGlite the test process's DATABASE_URL (if any) must not reach the server.
  if (database.url === undefined && options.env?.DATABASE_URL === undefined) delete env.DATABASE_URL;

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };

  const server: UnveilServer = {
    url,
    port,
    adminKey,
    admin: new AdminApi(url, adminKey),
    get running() {
      return child !== undefined;
    },
    get pid() {
      return child?.pid;
    },
    async start() {
      if (child !== undefined) throw new Error('start: the server is already running');
      log += `\n--- start ${new Date().toISOString()}\n`;
      const started = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: SERVER_DIR,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      live.add(started);
      started.stdout?.on('data', append);
      started.stderr?.on('data', append);
      exited = new Promise((resolve) =>
        started.once('exit', (code, signal) => {
          log += `\n--- exited: ${signal ?? code}\n`;
          live.delete(started);
          if (child === started) child = undefined;
          resolve();
        }),
      );
      await waitUntilReady(
        url,
        () => child !== started,
        () => log,
      );
    },
    async kill() {
      const running = child;
      if (running === undefined) return;
      running.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const running = child;
      if (running === undefined) return;
      running.kill('SIGTERM');
      await exited;
    },
    output: () => log,
    async dispose() {
      await server.kill();
      if (owned) await database.dispose();
    },
  };
  try {
    await server.start();
  } catch (error) {
    await server.dispose();
    throw error;
  }
  return server;
}

/** A bootstrap admin key for `UNVEIL_ADMIN_KEY`. */
export function newAdminKey(): string {
  return `unv_adm_e2e_${randomBytes(24).toString('hex')}`;
}

/** Polls `/readyz` until it answers 200; fails early if the process exits. */
async function waitUntilReady(url: string, gone: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone()) throw new Error(`the server exited before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  throw new Error(`the server was not ready within 60 s:\n${output()}`);
}

/** A database for server processes: the environment variables that name it, and how to delete it. */
export interface ServerDatabase {
  readonly env: Record<string, string>;
  /** The Postgres URL of this database; undefined for PGlite (which one process at a time may open). */
  readonly url: string | undefined;
  dispose(): Promise<void>;
}

/**
 * A copy of a migrated PGlite data directory in a temporary directory, or a new database on the Postgres
 * server named by DATABASE_URL (which the server process migrates on start, as in production).
 */
export async function createDatabase(): Promise<ServerDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl === undefined || serverUrl === '') {
    const template = await ensurePgliteTemplate();
    const dataDir = await mkdtemp(join(tmpdir(), 'unveil-e2e-'));
    await cp(template, dataDir, { recursive: true });
    return {
      env: { UNVEIL_DATA_DIR: dataDir },
      url: undefined,
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `unveil_e2e_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end();
    // An unreachable DATABASE_URL fails the run; it never falls back to PGlite.
    throw new Error(`DATABASE_URL is set but database ${name} could not be created: ${String(error)}`, {
      cause: error,
    });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    url: url.toString(),
    async dispose() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** A port nobody listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
