import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { describe, it } from 'vitest';
import { describeWithServices } from '../../services/server/test/support/services.js';
import { freePort, sleep } from './unveil-server.js';

/**
 * A `redis-server` of the test's own, on a free port, that the test can stop and start again on the same
 * port: an outage of the bus without touching the Redis other tests share. Nothing is persisted (`--save ''
 * --appendonly no`): after a restart it is empty, as the bus expects of Redis anyway.
 */
export interface RedisProcess {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly running: boolean;
  /** Starts the process (again) and resolves once it answers PING. */
  start(): Promise<void>;
  /** `kill -9`: connections drop without a word; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Whether `redis-server` can be run here (it is not on every laptop). */
function redisServerAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  const redis: RedisProcess = {
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    async start() {
      if (child !== undefined) throw new Error('start: redis-server is already running');
      const started = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      live.add(started);
      const append = (chunk: Buffer) => {
        log = (log + chunk.toString('utf8')).slice(-5_000);
      };
      started.stdout?.on('data', append);
      started.stderr?.on('data', append);
      exited = new Promise((resolve) =>
        started.once('exit', () => {
          live.delete(started);
          if (child === started) child = undefined;
          resolve();
        }),
      );
      const deadline = Date.now() + 10_000;
      while (!(await answersPing(port))) {
        if (child !== started || Date.now() > deadline)
          throw new Error(`redis-server on port ${port} did not start:\n${log}`);
        await sleep(20);
      }
    },
    async stop() {
      const running = child;
      if (running === undefined) return;
      running.kill('SIGKILL');
      await exited;
    },
  };
  await redis.start();
  return redis;
}

/** One inline PING over a fresh connection: `+PONG` means the server is up and serving. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('+PONG')));
  });
}

/**
 * `describeWithServices` for tests that also start Redis of their own: without `redis-server` on PATH
 * they are skipped and say so, or fail where every service is required (UNVEIL_REQUIRE_SERVICES=1).
 */
export function describeWithRedisServer(
  name: string,
  needs: Parameters<typeof describeWithServices>[1],
  body: () => void,
): void {
  if (redisServerAvailable()) describeWithServices(name, needs, body);
  else if (process.env.UNVEIL_REQUIRE_SERVICES === '1')
    describe(name, () => {
      it('needs redis-server on PATH', () => {
        throw new Error('redis-server is not on PATH: UNVEIL_REQUIRE_SERVICES=1 requires every service');
      });
    });
  else describe.skip(`${name} (skipped: no redis-server on PATH)`, body);
}
