/**
 * Child processes of the delivery benchmark: every server and load generator runs in its own Node
 * process, started through `sh` so that its open-files limit can be raised (`ulimit -n`) first.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_DIR = fileURLToPath(new URL('../../../../services/server/', import.meta.url));
const DELIVERY_DIR = fileURLToPath(new URL('./', import.meta.url));

/** The open-files limits of this process (children inherit them; the soft one may be raised to the hard one). */
export function openFilesLimit(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft = '1024', hard = '1024'] = line?.split(/\s{2,}/).slice(1, 3) ?? [];
  const parse = (value: string) => (value === 'unlimited' ? 1_048_576 : Number(value));
  return { soft: parse(soft), hard: parse(hard) };
}

/** Children still running and data directories still present: a crash must not leave them behind. */
const running = new Set<ChildProcess>();
const dataDirs = new Set<string>();
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/** Node flags that let `settledRss` collect the child's garbage before reading its memory (gc-on-signal.ts). */
export const GC_ON_SIGNAL = [
  '--expose-gc',
  '--import',
  fileURLToPath(new URL('./gc-on-signal.ts', import.meta.url)),
];

export interface NodeChild {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Sends one IPC message. */
  send(message: object): void;
  /** The next IPC message that satisfies `accept`. */
  next<T>(accept: (message: T) => boolean, timeoutMs?: number): Promise<T>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` with an IPC channel and the soft open-files limit raised to the
 * hard one. `script` is relative to src/delivery/ unless absolute.
 */
export function spawnNode(
  script: string,
  options: { args?: string[]; cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {},
): NodeChild {
  const path = script.startsWith('/') ? script : join(DELIVERY_DIR, script);
  const limit = openFilesLimit().hard;
  const argv = ['--import', 'tsx', ...(options.nodeArgs ?? []), path, ...(options.args ?? [])];
  const proc = spawn(
    '/bin/sh',
    ['-c', 'ulimit -n "$0" 2>/dev/null; exec "$@"', String(limit), process.execPath, ...argv],
    {
      cwd: options.cwd ?? DELIVERY_DIR,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  running.add(proc);
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      running.delete(proc);
      resolve();
    }),
  );
  return {
    proc,
    pid: proc.pid!,
    send: (message) => proc.send(message),
    next: <T>(accept: (message: T) => boolean, timeoutMs = 120_000) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (message: T) => {
          if (!accept(message)) return;
          done();
          resolve(message);
        };
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`${script} exited (${code}) before answering`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${script}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          proc.off('message', onMessage);
          proc.off('exit', onExit);
        };
        proc.on('message', onMessage);
        proc.once('exit', onExit);
      }),
    stop: async (graceMs = 15_000) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of a process, in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5); `fields` starts at field 3.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The version of a package as the given directory resolves it. */
export function packageVersion(name: string, fromDir: string): string {
  const require = createRequire(join(fromDir, 'package.json'));
  return (require(`${name}/package.json`) as { version: string }).version;
}

export interface UnveilServer {
  readonly child: NodeChild;
  readonly url: string;
  readonly adminKey: string;
  readonly serverKey: string;
  readonly environment: string;
  stop(): Promise<void>;
}

/**
 * Starts the real server (`node --import tsx src/server.ts`, cwd services/server) on a free loopback
 * port, with the demo data: on a fresh temporary PGlite directory, or on DATABASE_URL if set. The admin
 * key is chosen here; the server key is read from the quickstart message (or created through the admin
 * API when the database already held data and the demo was not seeded again).
 */
export async function startUnveil(nodeArgs: string[] = GC_ON_SIGNAL): Promise<UnveilServer> {
  const dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'unveil-bench-'));
  if (dataDir !== undefined) dataDirs.add(dataDir);
  const adminKey = `unv_adm_bench_${randomBytes(24).toString('base64url')}`;
  const child = spawnNode(join(SERVER_DIR, 'src/server.ts'), {
    cwd: SERVER_DIR,
    nodeArgs,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      UNVEIL_DEMO: '1',
      UNVEIL_ADMIN_KEY: adminKey,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...(dataDir === undefined ? {} : { UNVEIL_DATA_DIR: dataDir }),
    },
  });
  const stop = async () => {
    await child.stop();
    if (dataDir === undefined) return;
    rmSync(dataDir, { recursive: true, force: true });
    dataDirs.delete(dataDir);
  };
  try {
    const output = await readUntil(child, /^(API reference:|Existing data:)/m, 60_000);
    const url = /Unveil is running at (\S+)/.exec(output)?.[1];
    if (url === undefined) throw new Error(`server printed no address:\n${output}`);
    const environment = /Demo data seeded in environment "([^"]+)"/.exec(output)?.[1] ?? 'development';
    const serverKey =
      /^\s+server: (unv_srv_\S+)$/m.exec(output)?.[1] ?? (await createServerKey(url, adminKey, environment));
    return { child, url, adminKey, serverKey, environment, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function createServerKey(url: string, adminKey: string, environment: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'server',
      name: `bench-${randomBytes(4).toString('hex')}`,
      environment,
      reason: 'delivery benchmark',
    }),
  });
  if (!response.ok) throw new Error(`creating a server key: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}

/** Collects a child's stdout until `pattern` matches it. */
export function readUntil(child: NodeChild, pattern: RegExp, timeoutMs: number): Promise<string> {
  const stdout = child.proc.stdout!;
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (pattern.test(text)) finish(() => resolve(text));
    };
    const onExit = (code: number | null) =>
      finish(() => reject(new Error(`process exited (${code}) before printing ${pattern}:\n${text}`)));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`nothing matching ${pattern} within ${timeoutMs} ms:\n${text}`))),
      timeoutMs,
    );
    const finish = (then: () => void) => {
      clearTimeout(timer);
      stdout.off('data', onData);
      child.proc.off('exit', onExit);
      stdout.resume(); // keep draining whatever the child prints later
      then();
    };
    stdout.on('data', onData);
    child.proc.once('exit', onExit);
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
