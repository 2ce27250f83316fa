/**
 * The OpenFeature providers against a real server process that is killed and restarted: the event
 * sequence READY → CONFIGURATION_CHANGED(keys) → STALE → READY, values served all along; ERROR when a
 * provider cannot start, then READY once the server is up; a provider started from its cache while the
 * server is down says READY, then STALE, then READY when the server is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UnveilServerProvider } from '../packages/openfeature/src/server.js';
import { UnveilWebProvider } from '../packages/openfeature/src/web.js';
import { record, typesOf } from '../packages/openfeature/test/support/open-feature.js';
import {
  ErrorCode,
  ServerOpenFeature,
  ServerProviderStatus,
  WebOpenFeature,
  WebProviderStatus,
} from '../packages/openfeature/test/support/sdks.js';
import { type Seeded, seed } from './support/admin-api.js';
import { startServer, type UnveilServer } from './support/unveil-server.js';

const CHECKOUT = 'of-checkout';
const SEARCH = 'of-search';

let server: UnveilServer;
let seeded: Seeded;
let cacheDir: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'unveil-openfeature-'));
  server = await startServer();
  seeded = await seed(server.admin, { [CHECKOUT]: { clientSide: true }, [SEARCH]: { clientSide: true } });
}, 90_000);

afterEach(async () => {
  await Promise.all([ServerOpenFeature.clearProviders(), WebOpenFeature.clearProviders()]);
  // Every test leaves the server running for the next.
  if (server?.running === false) await server.start();
}, 60_000);

afterAll(async () => {
  await server?.dispose();
  if (cacheDir !== undefined) await rm(cacheDir, { recursive: true, force: true });
}, 60_000);

const setFlag = (flag: string, on: boolean) =>
  server.admin.serve(seeded.environment, flag, on ? 'on' : 'off', 'off');

/** Reconnects at known, short delays (a quarter of each backoff window). */
const quarter = () => 0.25;

describe('READY → CONFIGURATION_CHANGED → STALE → READY', () => {
  it('follows a change, a kill -9 and a restart, for the server and the web provider alike', async () => {
    await setFlag(CHECKOUT, false);
    const serverClient = ServerOpenFeature.getClient('e2e-server');
    const webClient = WebOpenFeature.getClient('e2e-web');
    const serverEvents = record(serverClient);
    const webEvents = record(webClient);
    await ServerOpenFeature.setProviderAndWait(
      'e2e-server',
      new UnveilServerProvider({ url: server.url, sdkKey: seeded.serverKey, random: quarter }),
    );
    await WebOpenFeature.setProviderAndWait(
      'e2e-web',
      new UnveilWebProvider({ url: server.url, sdkKey: seeded.clientKey, cache: false, random: quarter }),
      { targetingKey: 'user-1' },
    );
    const context = { targetingKey: 'user-1' };
    expect(await serverClient.getBooleanValue(CHECKOUT, true, context)).toBe(false);
    expect(webClient.getBooleanValue(CHECKOUT, true)).toBe(false);

    await setFlag(CHECKOUT, true);
    for (const events of [serverEvents, webEvents])
      await expect
        .poll(() => typesOf(events), { timeout: 10_000 })
        .toEqual(['PROVIDER_READY', 'PROVIDER_CONFIGURATION_CHANGED']);
    expect(serverEvents[1]?.flagsChanged).toEqual([CHECKOUT]);
    expect(webEvents[1]?.flagsChanged).toEqual([CHECKOUT]);
    expect(await serverClient.getBooleanValue(CHECKOUT, false, context)).toBe(true);
    expect(webClient.getBooleanValue(CHECKOUT, false)).toBe(true);

    await server.kill();
    for (const events of [serverEvents, webEvents])
      await expect.poll(() => typesOf(events).at(-1), { timeout: 10_000 }).toBe('PROVIDER_STALE');
    expect(serverClient.providerStatus).toBe(ServerProviderStatus.STALE);
    expect(webClient.providerStatus).toBe(WebProviderStatus.STALE);
    // The last configuration is still served, as a real value, not an error.
    expect(await serverClient.getBooleanDetails(CHECKOUT, false, context)).toMatchObject({
      value: true,
      variant: 'on',
    });
    expect(webClient.getBooleanDetails(CHECKOUT, false).errorCode).toBeUndefined();

    await server.start();
    for (const events of [serverEvents, webEvents])
      await expect.poll(() => typesOf(events).at(-1), { timeout: 20_000 }).toBe('PROVIDER_READY');
    const sequence = ['PROVIDER_READY', 'PROVIDER_CONFIGURATION_CHANGED', 'PROVIDER_STALE', 'PROVIDER_READY'];
    expect(typesOf(serverEvents)).toEqual(sequence);
    expect(typesOf(webEvents)).toEqual(sequence);
    expect(serverClient.providerStatus).toBe(ServerProviderStatus.READY);
    expect(webClient.providerStatus).toBe(WebProviderStatus.READY);

    // And changes flow again.
    await setFlag(SEARCH, true);
    await expect.poll(() => webClient.getBooleanValue(SEARCH, false), { timeout: 10_000 }).toBe(true);
    expect(await serverClient.getBooleanValue(SEARCH, false, context)).toBe(true);
    expect(serverEvents.at(-1)).toEqual({ type: 'PROVIDER_CONFIGURATION_CHANGED', flagsChanged: [SEARCH] });
  }, 60_000);
});

describe('a provider that cannot start', () => {
  it('fails initialize (PROVIDER_ERROR), answers PROVIDER_NOT_READY, then says READY and CONFIGURATION_CHANGED once the server is up', async () => {
    await setFlag(CHECKOUT, true);
    await server.kill();
    const client = ServerOpenFeature.getClient('e2e-down');
    const events = record(client);
    const provider = new UnveilServerProvider({
      url: server.url,
      sdkKey: seeded.serverKey,
      readyTimeoutMs: 500,
      random: quarter,
    });
    await expect(ServerOpenFeature.setProviderAndWait('e2e-down', provider)).rejects.toMatchObject({
      code: ErrorCode.GENERAL,
    });
    expect(typesOf(events)).toEqual(['PROVIDER_ERROR']);
    expect(client.providerStatus).toBe(ServerProviderStatus.ERROR);
    expect(await client.getBooleanDetails(CHECKOUT, false)).toMatchObject({
      value: false,
      errorCode: ErrorCode.PROVIDER_NOT_READY,
    });

    await server.start();
    // The first configuration arrives after initialize gave up: READY, then every flag as changed. It
    // comes from the stream, or from the polling fallback while the stream is still backing off (then the
    // client is ready but stale until the stream is back).
    await expect
      .poll(
        () =>
          client.providerStatus === ServerProviderStatus.READY &&
          typesOf(events).includes('PROVIDER_CONFIGURATION_CHANGED'),
        { timeout: 30_000 },
      )
      .toBe(true);
    expect([
      ['PROVIDER_ERROR', 'PROVIDER_READY', 'PROVIDER_CONFIGURATION_CHANGED'],
      [
        'PROVIDER_ERROR',
        'PROVIDER_READY',
        'PROVIDER_STALE',
        'PROVIDER_CONFIGURATION_CHANGED',
        'PROVIDER_READY',
      ],
    ]).toContainEqual(typesOf(events));
    const changed = events.find((event) => event.type === 'PROVIDER_CONFIGURATION_CHANGED');
    expect(changed?.flagsChanged?.sort()).toEqual([CHECKOUT, SEARCH].sort());
    expect(client.providerStatus).toBe(ServerProviderStatus.READY);
    expect(await client.getBooleanDetails(CHECKOUT, false)).toMatchObject({ value: true, variant: 'on' });
  }, 60_000);
});

describe('a provider started from its cache while the server is down', () => {
  it('says READY, then STALE, serving the cached values; READY again once the server is back', async () => {
    const cache = join(cacheDir, 'flags.json');
    await setFlag(CHECKOUT, true);
    // A previous run of the application, which kept the configuration in its cache.
    const previous = new UnveilServerProvider({ url: server.url, sdkKey: seeded.serverKey, cache });
    await ServerOpenFeature.setProviderAndWait('e2e-previous-run', previous);
    await ServerOpenFeature.clearProviders();

    await server.kill();
    const client = ServerOpenFeature.getClient('e2e-cached');
    const events = record(client);
    await ServerOpenFeature.setProviderAndWait(
      'e2e-cached',
      new UnveilServerProvider({ url: server.url, sdkKey: seeded.serverKey, cache, random: quarter }),
    );
    await expect
      .poll(() => typesOf(events), { timeout: 5_000 })
      .toEqual(['PROVIDER_READY', 'PROVIDER_STALE']);
    expect(client.providerStatus).toBe(ServerProviderStatus.STALE);
    expect(await client.getBooleanDetails(CHECKOUT, false)).toMatchObject({ value: true, variant: 'on' });

    await server.start();
    await expect
      .poll(() => typesOf(events), { timeout: 30_000 })
      .toEqual(['PROVIDER_READY', 'PROVIDER_STALE', 'PROVIDER_READY']);
    expect(client.providerStatus).toBe(ServerProviderStatus.READY);
  }, 60_000);
});

describe('a key revoked while the provider runs', () => {
  it('says PROVIDER_ERROR, not fatal: the last configuration is still served', async () => {
    await setFlag(CHECKOUT, true);
    const { key, id } = await server.admin.createSdkKey('server', seeded.environment, 'of-revoked');
    const client = ServerOpenFeature.getClient('e2e-revoked');
    const events = record(client);
    await ServerOpenFeature.setProviderAndWait(
      'e2e-revoked',
      new UnveilServerProvider({ url: server.url, sdkKey: key }),
    );

    await server.admin.revokeKey(id);
    await expect
      .poll(() => typesOf(events), { timeout: 10_000 })
      .toEqual(['PROVIDER_READY', 'PROVIDER_ERROR']);
    expect(events[1]?.message).toContain('refused');
    expect(client.providerStatus).toBe(ServerProviderStatus.ERROR);
    expect(await client.getBooleanDetails(CHECKOUT, false)).toMatchObject({ value: true, variant: 'on' });
  }, 60_000);
});
