/**
 * The Node SDK against a real server process, over real HTTP and a real WebSocket: start, evaluate,
 * follow changes made through the admin API, acknowledge them, report exposures, poll when told to.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { type ClientOptions } from 'ws';
import { createService, type FlagAnswer } from '../sdk-examples/node-service/src/service.js';
import { type Seeded, seed } from './support/admin-api.js';
import { BANNER, BANNER_FLAG } from './support/example-flags.js';
import { closeAll, startClient, type UnveilClient, type WebSocketConstructor } from './support/sdk.js';
import { startServer, type UnveilServer } from './support/unveil-server.js';

const CHECKOUT = 'new-checkout';
const SEARCH = 'search-v2';

let server: UnveilServer;
let seeded: Seeded;

beforeAll(async () => {
  server = await startServer();
  seeded = await seed(server.admin, {
    [CHECKOUT]: {},
    [SEARCH]: {},
    [BANNER]: BANNER_FLAG,
  });
  await server.admin.serve(seeded.environment, BANNER, 'blue');
}, 90_000);

afterEach(closeAll);
afterAll(async () => {
  await closeAll();
  await server?.dispose();
}, 30_000);

/**
 * Waits until the client has the environment's current version. An admin write answers once committed;
 * the server's SDK feed follows a moment later, so a client that has just started may still be one
 * version behind a write made just before.
 */
async function converged(client: UnveilClient): Promise<number> {
  const version = await server.admin.snapshotVersion(seeded.environment);
  await expect.poll(() => client.version, { timeout: 10_000, interval: 50 }).toBe(version);
  return version;
}

/** Switches a boolean flag on (serves `on`) or off (serves `off`) for everyone. */
const setFlag = (flag: string, on: boolean) =>
  server.admin.serve(seeded.environment, flag, on ? 'on' : 'off', 'off');

describe('the Node SDK against the real server', { timeout: 30_000 }, () => {
  it('becomes ready from the stream at the environment’s current version and evaluates locally', async () => {
    const { client, events } = startClient({ url: server.url, sdkKey: seeded.serverKey });
    expect(await client.ready({ timeoutMs: 10_000 })).toBe('ready');
    expect(client.version).toBe(await server.admin.snapshotVersion(seeded.environment));
    // New flags start switched off: a boolean serves false.
    expect(client.getDetail(CHECKOUT, true)).toMatchObject({ value: false, variant: 'off', reason: 'OFF' });
    expect(client.getValue(BANNER, 'none')).toBe('#1d4ed8');
    expect(client.getDetail('no-such-flag', 'x')).toMatchObject({ value: 'x', errorCode: 'FLAG_NOT_FOUND' });
    // The first configuration reports every flag as changed, once.
    expect(events.changes).toHaveLength(1);
    expect(events.changes[0]?.keys.sort()).toEqual([BANNER, CHECKOUT, SEARCH].sort());
    expect(events.errors).toEqual([]);
  });

  it('follows an admin change: isEnabled, change and onFlag report exactly the changed flag', async () => {
    const { client, events } = startClient({ url: server.url, sdkKey: seeded.serverKey });
    await client.ready({ timeoutMs: 10_000 });
    const before = await converged(client);
    events.changes.length = 0;
    const perFlag: Record<string, number> = { [CHECKOUT]: 0, [SEARCH]: 0, [BANNER]: 0 };
    for (const flag of Object.keys(perFlag)) client.onFlag(flag, (key) => perFlag[key]!++);

    await setFlag(CHECKOUT, true);
    await expect.poll(() => client.isEnabled(CHECKOUT), { timeout: 10_000 }).toBe(true);
    expect(client.version).toBe(before + 1);
    expect(events.changes.map((change) => change.keys)).toEqual([[CHECKOUT]]);
    expect(perFlag).toEqual({ [CHECKOUT]: 1, [SEARCH]: 0, [BANNER]: 0 });

    await setFlag(SEARCH, true);
    await expect.poll(() => client.isEnabled(SEARCH), { timeout: 10_000 }).toBe(true);
    expect(events.changes.map((change) => change.keys)).toEqual([[CHECKOUT], [SEARCH]]);
    expect(perFlag).toEqual({ [CHECKOUT]: 1, [SEARCH]: 1, [BANNER]: 0 });
    expect(client.version).toBe(await server.admin.snapshotVersion(seeded.environment));
    expect(client.state).toBe('ready');
    expect(events.stale).toEqual([]);
    expect(events.errors).toEqual([]);
  });

  it('acknowledges each version it applied: the delivery proof counts it, and the SDK is listed', async () => {
    const { client } = startClient({
      url: server.url,
      sdkKey: seeded.serverKey,
      app: { version: '3.1.4' },
    });
    await client.ready({ timeoutMs: 10_000 });
    // Clients of earlier tests are closed, but the server may take a moment to see their sockets go.
    await expect
      .poll(async () => (await server.admin.delivery(seeded.environment)).sdks.connected, { timeout: 5_000 })
      .toBe(1);
    await setFlag(CHECKOUT, !client.isEnabled(CHECKOUT));
    const version = await server.admin.snapshotVersion(seeded.environment);
    await expect.poll(() => client.version, { timeout: 10_000 }).toBe(version);

    await expect
      .poll(
        async () =>
          (await server.admin.delivery(seeded.environment)).versions.find((v) => v.version === version),
        {
          timeout: 10_000,
        },
      )
      .toMatchObject({ version, audience: 1, applied: 1 });
    const report = await server.admin.delivery(seeded.environment);
    expect(report.version).toBe(version);
    expect(report.sdks.connected).toBe(1);
    expect(report.sdks.bySdk).toEqual([expect.objectContaining({ sdk: '@unveil/sdk', count: 1 })]);
  });

  it('with a client key sees only client-side flags, and follows them too', async () => {
    const { client, events } = startClient({ url: server.url, sdkKey: seeded.clientKey });
    expect(await client.ready({ timeoutMs: 10_000 })).toBe('ready');
    expect(Object.keys(client.all())).toEqual([BANNER]);
    expect(client.getDetail(CHECKOUT, false).errorCode).toBe('FLAG_NOT_FOUND');

    await converged(client);
    events.changes.length = 0;
    await server.admin.serve(seeded.environment, BANNER, 'green', 'blue');
    await expect.poll(() => client.getValue(BANNER, 'none'), { timeout: 10_000 }).toBe('#15803d');
    expect(events.changes.map((change) => change.keys)).toEqual([[BANNER]]);
    // A server-only change moves the version (an empty patch for this view) and reports no flag.
    await setFlag(SEARCH, false);
    const version = await server.admin.snapshotVersion(seeded.environment);
    await expect.poll(() => client.version, { timeout: 10_000 }).toBe(version);
    expect(events.changes.map((change) => change.keys)).toEqual([[BANNER]]);
    await server.admin.serve(seeded.environment, BANNER, 'blue');
  });

  it('polls GET /sdk/v1/config when streaming is off, and follows changes that way', async () => {
    const { client, events } = startClient({
      url: server.url,
      sdkKey: seeded.serverKey,
      streaming: false,
      pollIntervalMs: 200,
    });
    expect(await client.ready({ timeoutMs: 10_000 })).toBe('ready');
    const wasOn = client.isEnabled(SEARCH);
    await converged(client);
    events.changes.length = 0;
    await setFlag(SEARCH, !wasOn);
    await expect.poll(() => client.isEnabled(SEARCH), { timeout: 10_000 }).toBe(!wasOn);
    expect(events.changes.map((change) => change.keys)).toEqual([[SEARCH]]);
    expect(events.errors).toEqual([]);
    // Nothing connected to the stream: polling is plain HTTP.
    await expect
      .poll(async () => (await server.admin.delivery(seeded.environment)).sdks.connected, { timeout: 5_000 })
      .toBe(0);
  });

  it('sends exposure counts that the server accepts and reports per variant', async () => {
    const { client, events } = startClient({ url: server.url, sdkKey: seeded.serverKey });
    await client.ready({ timeoutMs: 10_000 });
    await setFlag(CHECKOUT, true);
    await expect.poll(() => client.isEnabled(CHECKOUT), { timeout: 10_000 }).toBe(true);
    // That poll counted exposures too; these are the ones we know of for sure.
    for (let i = 0; i < 5; i++) client.isEnabled(CHECKOUT, { key: `user-${i}` });
    client.track('checkout-completed', 42, { key: 'user-1' });
    await client.flush();
    expect(events.errors).toEqual([]);
    // The server sums batches in memory and writes them every few seconds.
    await expect
      .poll(
        async () => {
          const usage = await server.admin.request(
            'GET',
            `/api/v1/environments/${seeded.environment}/flags/${CHECKOUT}/usage`,
          );
          return (
            usage.body?.byVariant?.find((entry: { variant: string }) => entry.variant === 'on')?.count ?? 0
          );
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBeGreaterThanOrEqual(6);
  });
});

describe('a revoked key', { timeout: 30_000 }, () => {
  it('is refused on the open stream: the client stops all network activity and keeps serving', async () => {
    const { key, id } = await server.admin.createSdkKey('server', seeded.environment, 'revoked-soon');
    const { client, events } = startClient({ url: server.url, sdkKey: key, pollIntervalMs: 200 });
    expect(await client.ready({ timeoutMs: 10_000 })).toBe('ready');
    const served = client.isEnabled(CHECKOUT);

    await server.admin.revokeKey(id);
    // The server re-checks open sockets' keys about every second and closes them with 4401.
    await expect
      .poll(() => events.errors.map((error) => error.code), { timeout: 10_000 })
      .toContain('UNVEIL_ERR_SDK_AUTH');
    expect(client.state).toBe('stale');
    expect(client.isEnabled(CHECKOUT)).toBe(served);
    // No reconnects and no polling with a key that will not work (polling would report more errors).
    const reported = events.errors.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(events.errors).toHaveLength(reported);
    expect(events.reconnected).toEqual([]);
    expect((await server.admin.delivery(seeded.environment)).sdks.connected).toBe(0);
  });
});

describe('closing a client', { timeout: 30_000 }, () => {
  it('while its socket is still being opened throws nothing and leaves no connection behind', async () => {
    // The first client of a Node 20 process loads `ws` before it opens its socket; a `close()` then (a
    // service stopped during its start) lands between the socket's creation and its first event. To
    // land there every time, this client's socket class asks for the close as it is constructed.
    let client: UnveilClient | undefined;
    class ClosedAtOnce extends WebSocket {
      constructor(address: string, options?: ClientOptions) {
        super(address, options);
        queueMicrotask(() => void client?.close());
      }
    }
    const started = startClient({
      url: server.url,
      sdkKey: seeded.serverKey,
      WebSocket: ClosedAtOnce as unknown as WebSocketConstructor,
    });
    client = started.client;
    await expect.poll(() => client?.state).toBe('closed');
    // Time for the aborted handshake's events (an unhandled 'error' here would fail the run).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started.events.errors).toEqual([]);
    await expect
      .poll(async () => (await server.admin.delivery(seeded.environment)).sdks.connected, { timeout: 5_000 })
      .toBe(0);
  });
});

describe('sdk-examples/node-service', { timeout: 30_000 }, () => {
  it('answers from the flag and follows it live, on GET and on its event stream', async () => {
    const { client } = startClient({ url: server.url, sdkKey: seeded.serverKey });
    await client.ready({ timeoutMs: 10_000 });
    await setFlag(CHECKOUT, false);
    await expect.poll(() => client.isEnabled(CHECKOUT), { timeout: 10_000 }).toBe(false);
    const service = createService({ client, flag: CHECKOUT });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    const controller = new AbortController();
    try {
      const answer = async (): Promise<FlagAnswer> =>
        (await fetch(`${base}/?user=alice`)).json() as Promise<FlagAnswer>;
      expect(await answer()).toMatchObject({
        flag: CHECKOUT,
        user: 'alice',
        enabled: false,
        reason: 'FALLTHROUGH',
      });

      const watch = await fetch(`${base}/watch?user=alice`, { signal: controller.signal });
      const received: FlagAnswer[] = [];
      void (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        const reader = watch.body!.getReader();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          buffer += decoder.decode(chunk.value, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            received.push(JSON.parse(buffer.slice('data: '.length, end)) as FlagAnswer);
            buffer = buffer.slice(end + 2);
          }
        }
      })().catch(() => {});
      await expect.poll(() => received.length, { timeout: 5_000 }).toBe(1);

      await setFlag(CHECKOUT, true);
      await expect.poll(() => received.at(-1)?.enabled, { timeout: 10_000 }).toBe(true);
      expect(received.map((event) => event.enabled)).toEqual([false, true]);
      expect(await answer()).toMatchObject({ enabled: true, version: client.version, state: 'ready' });
    } finally {
      controller.abort();
      service.closeAllConnections();
      await new Promise((resolve) => service.close(resolve));
    }
  });
});
