/**
 * The deployment under load: several real server processes (`node --import tsx src/server.ts`) on one
 * scratch Postgres database and one Redis, each on a free loopback port, sharing one admin key.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type NodeChild, SERVER_DIR, sleep, spawnNode } from '../delivery/processes.js';

export interface Instance {
  readonly child: NodeChild;
  readonly url: string;
}

export interface Deployment {
  readonly instances: readonly Instance[];
  readonly adminKey: string;
  stop(): Promise<void>;
}

export async function startDeployment(
  count: number,
  databaseUrl: string,
  redisUrl: string,
): Promise<Deployment> {
  const adminKey = `unv_adm_scale_${randomBytes(24).toString('base64url')}`;
  const instances: Instance[] = [];
  const stop = async () => {
    await Promise.all(instances.map(({ child }) => child.stop()));
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const child = spawnNode(join(SERVER_DIR, 'src/server.ts'), {
        cwd: SERVER_DIR,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          UNVEIL_ADMIN_KEY: adminKey,
          UNVEIL_DEMO: '0',
          // The benchmark is one address writing 50 times a second for minutes.
          UNVEIL_ADMIN_RATE_LIMIT: '1000000',
          LOG_LEVEL: 'warn',
          NODE_ENV: 'production',
        },
      });
      child.proc.stdout?.resume();
      instances.push({ child, url: `http://127.0.0.1:${port}` });
    }
    await Promise.all(instances.map(({ child, url }) => waitUntilReady(child, url)));
    return { instances, adminKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitUntilReady(child: NodeChild, url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`the server at ${url} exited before it was ready`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`the server at ${url} was not ready within 60 s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
