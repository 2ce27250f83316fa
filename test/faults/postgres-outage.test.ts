/**
 * Postgres becomes unreachable under a running server process: a TCP proxy of the test's own stands
 * between them. Cut one way, it resets every connection (pooled ones included) and every new one, as a
 * stopped database does; cut the other, it drops everything silently, as a network partition does.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../../services/server/test/support/services.js';
import { type Seeded, seed } from '../support/admin-api.js';
import { closeAll, startClient } from '../support/sdk.js';
import { connectFleet } from '../support/stream-clients.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import {
  createDatabase,
  type ServerDatabase,
  sleep,
  startServer,
  type UnveilServer,
} from '../support/unveil-server.js';

/** How long the outage lasts: past the key cache's lifetime (1 s) and several key rechecks of the streams. */
const OUTAGE_MS = 3_000;
/**
 * An outage is reported, not waited out: every request during it is answered (503, or from memory)
 * within this, and once the database is back the server uses it again within this.
 */
const PROMPT_MS = 3_000;
/** The server's bound on one transaction for a request: a silent database gets a 503 after this. */
const DATABASE_TIMEOUT_MS = 1_500;

describeWithServices('Postgres unreachable under a running server', ['DATABASE_URL'], () => {
  let database: ServerDatabase;
  let proxy: TcpProxy;
  let server: UnveilServer;
  let seeded: Seeded;

  beforeAll(async () => {
    database = await createDatabase();
    const direct = new URL(database.url!);
    proxy = await startTcpProxy([{ host: direct.hostname, port: Number(direct.port || 5432) }]);
    const proxied = new URL(direct);
    proxied.host = proxy.address;
    server = await startServer({
      database,
      env: { DATABASE_URL: proxied.toString(), UNVEIL_DATABASE_TIMEOUT_MS: String(DATABASE_TIMEOUT_MS) },
    });
    seeded = await seed(server.admin, { checkout: {}, search: {} }, 'pg-outage');
  }, 90_000);

  afterAll(async () => {
    await closeAll();
    await server?.dispose();
    await proxy?.close();
    await database?.dispose();
  }, 60_000);

  const env = () => seeded.environment;
  const readyz = async () => (await fetch(`${server.url}/readyz`)).status;
  const sdkConfig = async () =>
    (await fetch(`${server.url}/sdk/v1/config`, { headers: { authorization: `Bearer ${seeded.serverKey}` } }))
      .status;
  const putSearch = () =>
    server.admin.request('PUT', `/api/v1/environments/${env()}/flags/search`, {
      enabled: true,
      offVariant: 'off',
      fallthrough: { variant: 'on' },
    });
  /** Admin requests that need the database: a write, a create, a read. */
  const adminCalls = [
    putSearch,
    () =>
      server.admin.request('POST', '/api/v1/flags', { key: 'born-in-outage', name: 'x', type: 'boolean' }),
    () => server.admin.request('GET', `/api/v1/environments/${env()}/flags/search`),
  ];
  /** Runs `call`, and fails if it took longer than PROMPT_MS to answer. */
  const prompt = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await call();
    const took = performance.now() - started;
    expect(took, `${what} took ${took.toFixed(0)} ms`).toBeLessThan(PROMPT_MS);
    return result;
  };

  it('serves SDKs from memory, answers writes 503 problem+json and says not ready; recovers by itself', async () => {
    await server.admin.serve(env(), 'checkout', 'on', 'off');
    const { client, events } = startClient({ url: server.url, sdkKey: seeded.serverKey });
    await client.ready({ timeoutMs: 10_000 });
    const raw = await connectFleet([server.url], seeded.serverKey, 5);
    const before = await server.admin.snapshotVersion(env());
    await expect.poll(() => client.version).toBe(before);

    proxy.cut();
    const cutAt = performance.now();
    // Traffic goes on throughout the outage, as it would in production.
    while (performance.now() - cutAt < OUTAGE_MS) {
      // Admin requests are refused as "try again later", never as a server error, and without delay.
      for (const call of adminCalls) {
        const response = await prompt('an admin request', call);
        expect(response.status, JSON.stringify(response.body)).toBe(503);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        // Refused at once ("nothing was changed"), or, when the driver kept the query waiting for a
        // connection past the server's deadline, "not confirmed": both mean retry later.
        expect(['UNVEIL_ERR_DATABASE_UNAVAILABLE', 'UNVEIL_ERR_DATABASE_TIMEOUT']).toContain(
          response.body.code,
        );
      }
      expect(await prompt('/readyz', readyz)).toBe(503);
      // SDK requests are served from memory, the key check included (its last answer is kept).
      expect(await prompt('/sdk/v1/config', sdkConfig)).toBe(200);
      await sleep(200);
    }
    // Open streams stayed up: the key rechecks that failed did not close them.
    expect(client.state).toBe('ready');
    expect(client.isEnabled('checkout')).toBe(true);
    expect(events.stale).toEqual([]);
    expect(raw.clients.filter((c) => c.closed !== undefined)).toEqual([]);

    proxy.restore();
    // Nobody restarts anything: the pool reconnects on its own, promptly.
    const restoredAt = performance.now();
    await expect.poll(readyz, { timeout: PROMPT_MS, interval: 50 }).toBe(200);
    await expect.poll(async () => (await putSearch()).status, { timeout: PROMPT_MS, interval: 50 }).toBe(200);
    console.info(
      `writes succeeded again ${(performance.now() - restoredAt).toFixed(0)} ms after the restore`,
    );
    const after = await server.admin.snapshotVersion(env());
    expect(after).toBe(before + 1);
    await expect.poll(() => client.isEnabled('search'), { timeout: 10_000 }).toBe(true);
    await raw.reach(after);
    expect(raw.anomalies()).toEqual({ gaps: 0, reordered: 0 });
    expect(events.stale).toEqual([]);
    await raw.close();
  }, 60_000);

  it('stays up through a network partition (silence, no reset) and catches up when it heals', async () => {
    const { client, events } = startClient({ url: server.url, sdkKey: seeded.serverKey });
    await client.ready({ timeoutMs: 10_000 });
    const raw = await connectFleet([server.url], seeded.serverKey, 5);
    const before = await server.admin.snapshotVersion(env());

    proxy.cut('blackhole');
    // Readiness is bounded: a database that does not answer is not ready.
    expect(await prompt('/readyz', readyz)).toBe(503);
    // A write sent now cannot be confirmed: it is answered 503 once the server's deadline passes, saying so.
    const write = server.admin.request('PUT', `/api/v1/environments/${env()}/flags/checkout`, {
      enabled: false,
      offVariant: 'off',
      fallthrough: { variant: 'on' },
    });
    const answered = await prompt('a write during the partition', () => write);
    expect(answered.status).toBe(503);
    expect(answered.headers.get('content-type')).toContain('application/problem+json');
    expect(answered.body.code).toBe('UNVEIL_ERR_DATABASE_TIMEOUT');
    // So is a read: the pool's connections are held by the silent database, nothing hangs.
    const read = await prompt('a read during the partition', () =>
      server.admin.request('GET', `/api/v1/environments/${env()}/flags/search`),
    );
    expect([read.status, read.body.code]).toEqual([503, 'UNVEIL_ERR_DATABASE_TIMEOUT']);
    await sleep(OUTAGE_MS);
    expect(client.state).toBe('ready');
    expect(client.isEnabled('checkout')).toBe(true);
    expect(raw.clients.filter((c) => c.closed !== undefined)).toEqual([]);
    // An SDK starting during the partition is served too: its key was checked before, and the server
    // answers from that check rather than waiting on a database that says nothing.
    expect(await prompt('/sdk/v1/config during the partition', sdkConfig)).toBe(200);

    proxy.restore();
    await expect.poll(readyz, { timeout: PROMPT_MS, interval: 50 }).toBe(200);
    // The write was not confirmed, not refused: it commits, whole, once the partition heals, and reaches
    // every client like any other.
    await expect.poll(() => server.admin.snapshotVersion(env()), { timeout: PROMPT_MS }).toBe(before + 1);
    await expect.poll(() => client.isEnabled('checkout'), { timeout: 10_000 }).toBe(false);
    await raw.reach(before + 1);
    expect(raw.anomalies()).toEqual({ gaps: 0, reordered: 0 });
    expect(events.stale).toEqual([]);
    await raw.close();
  }, 60_000);
});
