/**
 * The Node SDK when the real server process goes away: `kill -9`, a graceful SIGTERM (goaway), a start
 * while the server is down (cache, bootstrap), and a thousand clients reconnecting after a restart.
 * One server process (and database) for the file, killed and restarted on the same port and data.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { type ClientOptions } from 'ws';
import { type Seeded, seed } from './support/admin-api.js';
import {
  closeAll,
  createClient,
  startClient,
  type UnveilClient,
  type WebSocketConstructor,
} from './support/sdk.js';
import { startServer, type UnveilServer } from './support/unveil-server.js';

const CHECKOUT = 'new-checkout';
const SEARCH = 'search-v2';

let server: UnveilServer;
let seeded: Seeded;
let cacheDir: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'unveil-e2e-cache-'));
  server = await startServer();
  seeded = await seed(server.admin, { [CHECKOUT]: {}, [SEARCH]: {} });
}, 90_000);

afterEach(async () => {
  await closeAll();
  // Every test leaves the server running for the next.
  if (server?.running === false) await server.start();
}, 60_000);

afterAll(async () => {
  await closeAll();
  await server?.dispose();
  if (cacheDir !== undefined) await rm(cacheDir, { recursive: true, force: true });
}, 60_000);

const setFlag = (flag: string, on: boolean) =>
  server.admin.serve(seeded.environment, flag, on ? 'on' : 'off', 'off');

/**
 * Single-client tests use a fixed jitter draw (a quarter of each backoff window: 125 ms, 250 ms, 500 ms…)
 * so that their reconnects come at known, short delays; the fleet test below uses real randomness.
 */
const quarter = () => 0.25;

/** Waits for the client to reach the server's current version. */
async function converged(client: UnveilClient): Promise<number> {
  const version = await server.admin.snapshotVersion(seeded.environment);
  await expect.poll(() => client.version, { timeout: 20_000, interval: 50 }).toBe(version);
  return version;
}

describe('server killed (kill -9)', () => {
  it('keeps serving the last values and says stale; after the restart says reconnected and follows changes again', async () => {
    const { client, events } = startClient({ url: server.url, sdkKey: seeded.serverKey, random: quarter });
    expect(await client.ready({ timeoutMs: 10_000 })).toBe('ready');
    await setFlag(CHECKOUT, true);
    await expect.poll(() => client.isEnabled(CHECKOUT), { timeout: 10_000 }).toBe(true);
    const before = client.version;

    await server.kill();
    await expect.poll(() => events.stale.length, { timeout: 5_000 }).toBe(1);
    expect(client.state).toBe('stale');
    // Nothing changes for the application: the last configuration, the same answers, no exception.
    expect(client.isEnabled(CHECKOUT)).toBe(true);
    expect(client.getDetail(CHECKOUT, false)).toMatchObject({ value: true, variant: 'on' });
    expect(client.version).toBe(before);
    expect(events.errors.map((error) => error.code)).toContain('UNVEIL_ERR_SDK_STREAM');

    await server.start();
    // Nothing changed meanwhile: the server answers the client's hello with a heartbeat alone, and that
    // heartbeat is what tells the client it is current again.
    await expect.poll(() => events.reconnected.length, { timeout: 15_000 }).toBe(1);
    expect(client.state).toBe('ready');
    expect(client.version).toBe(before);
    const changesBefore = events.changes.length;

    // One at a time: writes landing during one reload are folded into one patch (ADR 0004).
    await setFlag(CHECKOUT, false);
    await converged(client);
    await setFlag(SEARCH, true);
    const latest = await converged(client);
    expect(latest).toBe(before! + 2);
    expect(client.isEnabled(CHECKOUT)).toBe(false);
    expect(client.isEnabled(SEARCH)).toBe(true);
    expect(events.changes.slice(changesBefore).map((change) => change.keys)).toEqual([[CHECKOUT], [SEARCH]]);
    expect(events.stale).toHaveLength(1);
    expect(events.reconnected).toHaveLength(1);
  }, 60_000);
});

describe('a client started while the server is down', () => {
  it('serves the file cache of a previous run, or its bootstrap, and catches up once the server is back', async () => {
    const cache = join(cacheDir, 'previous-run', 'flags.json');
    await setFlag(CHECKOUT, true);
    await setFlag(SEARCH, false);
    // A previous run of the application: it saw the current configuration and kept it in its cache.
    const previous = startClient({ url: server.url, sdkKey: seeded.serverKey, cache });
    await previous.client.ready({ timeoutMs: 10_000 });
    const seen = await converged(previous.client);
    const bootstrap = previous.client.snapshot!;
    await closeAll();
    expect(JSON.parse(await readFile(cache, 'utf8'))).toMatchObject({ version: seen });

    await server.kill();
    const fromCache = startClient({ url: server.url, sdkKey: seeded.serverKey, cache, random: quarter });
    const fromBootstrap = startClient({
      url: server.url,
      sdkKey: seeded.serverKey,
      bootstrap,
      cache: false,
      random: quarter,
    });
    const withNothing = startClient({ url: server.url, sdkKey: seeded.serverKey, random: quarter });

    // The cache is served once the server is known to be unreachable: ready, but stale.
    expect(await fromCache.client.ready({ timeoutMs: 5_000 })).toBe('stale');
    expect(fromCache.client.version).toBe(seen);
    expect(fromCache.client.isEnabled(CHECKOUT)).toBe(true);
    expect(fromCache.client.getDetail(SEARCH, true)).toMatchObject({ value: false, variant: 'off' });
    // A bootstrap is ready at once; the failing stream then makes it stale.
    expect(fromBootstrap.client.version).toBe(seen);
    expect(fromBootstrap.client.isEnabled(CHECKOUT)).toBe(true);
    await expect.poll(() => fromBootstrap.client.state, { timeout: 5_000 }).toBe('stale');
    // Without either, the caller's defaults, flagged as such.
    expect(await withNothing.client.ready({ timeoutMs: 1_000 })).toBe('initializing');
    expect(withNothing.client.getDetail(CHECKOUT, false)).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: 'CLIENT_NOT_READY',
    });

    await server.start();
    await setFlag(CHECKOUT, false);
    for (const { client } of [fromCache, fromBootstrap, withNothing]) {
      await converged(client);
      expect(client.isEnabled(CHECKOUT)).toBe(false);
    }
    await expect.poll(() => fromCache.client.state, { timeout: 10_000 }).toBe('ready');
    expect(fromCache.events.reconnected).toHaveLength(1);
    expect(fromBootstrap.events.reconnected).toHaveLength(1);
    expect(withNothing.client.state).toBe('ready');
    // And the cache now holds the newest configuration for the next run.
    await expect
      .poll(async () => JSON.parse(await readFile(cache, 'utf8')).version, { timeout: 5_000 })
      .toBe(fromCache.client.version);
  }, 60_000);
});

describe('graceful shutdown (SIGTERM)', () => {
  it('says goaway; the client reconnects to the restarted server and misses no version', async () => {
    await setFlag(CHECKOUT, false);
    await setFlag(SEARCH, false);
    const { client, events } = startClient({ url: server.url, sdkKey: seeded.serverKey, random: quarter });
    await client.ready({ timeoutMs: 10_000 });
    const start = await converged(client);
    events.changes.length = 0;

    await server.stop();
    // The server said goaway before closing (not merely a dropped connection).
    await expect.poll(() => events.stale.length, { timeout: 5_000 }).toBe(1);
    expect(events.errors.map((error) => error.message)).toContainEqual(expect.stringMatching(/goaway/));

    await server.start();
    // One change before the client is back (it gets it on reconnect), then more once it is.
    await setFlag(CHECKOUT, true);
    await expect.poll(() => events.reconnected.length, { timeout: 15_000 }).toBe(1);
    // One at a time: writes landing during one reload are folded into one patch (ADR 0004).
    await setFlag(SEARCH, true);
    await converged(client);
    await setFlag(CHECKOUT, false);
    const latest = await converged(client);
    expect(latest).toBe(start + 3);
    expect(client.isEnabled(CHECKOUT)).toBe(false);
    expect(client.isEnabled(SEARCH)).toBe(true);
    // Every version after the first one missed arrived, in order, each reporting what it changed.
    const versions = events.changes.map((change) => change.version);
    expect(versions).toEqual([...versions].sort((a, b) => a! - b!));
    expect(versions.at(-1)).toBe(latest);
    expect(events.changes.map((change) => change.keys)).toEqual([[CHECKOUT], [SEARCH], [CHECKOUT]]);
  }, 60_000);
});

describe('a fleet of 1,000 clients after a restart', () => {
  const FLEET = 1_000;

  it('spreads its reconnects (full jitter) instead of stampeding, and every client catches up', async () => {
    requireFileDescriptors(2 * FLEET + 500);
    const fleet: FleetClient[] = [];
    // Connect in batches, as a fleet would come up, without the test itself stampeding the server.
    for (let i = 0; i < FLEET; i += 100) {
      const batch = Array.from({ length: 100 }, () => fleetClient(server.url, seeded.serverKey));
      fleet.push(...batch);
      await Promise.all(batch.map(({ client }) => client.ready({ timeoutMs: 20_000 })));
    }
    try {
      expect(fleet.filter(({ client }) => client.state === 'ready')).toHaveLength(FLEET);
      await expect
        .poll(async () => (await server.admin.delivery(seeded.environment)).sdks.connected, {
          timeout: 10_000,
        })
        .toBe(FLEET);

      await server.kill();
      await expect
        .poll(() => fleet.filter(({ client }) => client.state === 'stale').length, { timeout: 10_000 })
        .toBe(FLEET);
      await server.start();
      // Full jitter has a long tail: after a few seconds down, a client may be at its 16 s or 30 s window.
      // Measure the first 95 % back (within seconds, unless the machine is very busy); the last few are
      // waited for below, through polling.
      await expect
        .poll(() => fleet.filter(({ reconnected }) => reconnected !== undefined).length, {
          timeout: 30_000,
          interval: 100,
        })
        .toBeGreaterThanOrEqual(0.95 * FLEET);
      const returned = fleet.flatMap(({ reconnected }) => (reconnected === undefined ? [] : [reconnected]));

      // When each client opened the connection that brought it back: the SDK's own schedule. Without
      // jitter the whole fleet opens in the same instant (every client lost the server at once, and would
      // wait the same delays); with it, no 100 ms holds more than a small fraction of them.
      const opened = spread(returned.map(({ openedAt }) => openedAt));
      // When each was back (its `reconnected`): also bunched by the server's warm-up, when the first
      // connections all wait for the environment to load, hence a looser bound.
      const back = spread(returned.map(({ at }) => at));
      const summary = `connections opened: ${opened.summary}; reconnected: ${back.summary}`;
      expect(opened.busiest100, summary).toBeLessThanOrEqual(0.3 * returned.length);
      expect(opened.span, summary).toBeGreaterThanOrEqual(1_000);
      expect(back.busiest100, summary).toBeLessThanOrEqual(0.5 * returned.length);
      expect(back.span, summary).toBeGreaterThanOrEqual(1_000);

      // A change reaches the whole fleet: over the stream, or — for the few still waiting out a long
      // backoff — through the polling fallback that runs while their stream is down.
      await setFlag(SEARCH, false);
      await setFlag(SEARCH, true);
      const latest = await server.admin.snapshotVersion(seeded.environment);
      await expect
        .poll(() => fleet.filter(({ client }) => client.version === latest).length, { timeout: 20_000 })
        .toBe(FLEET);
      expect(fleet.every(({ client }) => client.isEnabled(SEARCH))).toBe(true);
    } finally {
      await Promise.all(fleet.map(({ client }) => client.close()));
    }
  }, 120_000);
});

interface FleetClient {
  client: UnveilClient;
  /** The first `reconnected`: when, and when the socket that brought it back was opened. */
  reconnected: { at: number; openedAt: number } | undefined;
}

/**
 * A client of the fleet, with real jitter (Math.random). Its WebSocket is the `ws` package, as the SDK
 * uses on Node 20, subclassed only to note when each connection is opened.
 */
function fleetClient(url: string, sdkKey: string): FleetClient {
  let openedAt = 0;
  class NotedWebSocket extends WebSocket {
    constructor(address: string, options?: ClientOptions) {
      super(address, options);
      openedAt = Date.now();
    }
  }
  const client = createClient({
    url,
    sdkKey,
    WebSocket: NotedWebSocket as unknown as WebSocketConstructor,
    // While its stream is down a client polls GET /sdk/v1/config, by default every 30 s.
    pollIntervalMs: 3_000,
    onError: () => {},
  });
  const member: FleetClient = { client, reconnected: undefined };
  client.on('reconnected', () => {
    member.reconnected ??= { at: Date.now(), openedAt };
  });
  return member;
}

/** How bunched a set of instants is: the fullest 100 ms and 500 ms windows, and first to last. */
function spread(instants: number[]) {
  const sorted = [...instants].sort((a, b) => a - b);
  const busiest = (windowMs: number) => {
    let most = 0;
    for (let first = 0, last = 0; last < sorted.length; last++) {
      while (sorted[last]! - sorted[first]! >= windowMs) first++;
      most = Math.max(most, last - first + 1);
    }
    return most;
  };
  const span = sorted.at(-1)! - sorted[0]!;
  const [busiest100, busiest500] = [busiest(100), busiest(500)];
  return {
    busiest100,
    busiest500,
    span,
    summary: `span ${span} ms, busiest 100 ms ${busiest100}, busiest 500 ms ${busiest500} of ${sorted.length}`,
  };
}

/** 1,000 sockets here and 1,000 in the server: fail with a clear message rather than with EMFILE. */
function requireFileDescriptors(needed: number): void {
  let limit = Number.POSITIVE_INFINITY;
  try {
    const soft = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    if (soft !== 'unlimited') limit = Number(soft);
  } catch {
    return; // No shell to ask: try anyway.
  }
  if (limit < needed)
    throw new Error(`this test needs ulimit -n ≥ ${needed} (it is ${limit}); raise it before running vitest`);
}
