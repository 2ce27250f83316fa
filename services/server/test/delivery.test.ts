import type { PatchMessage, ServerMessage, SnapshotMessage } from '@unveil/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { booleanConfig, createEnvironment, createFlag } from './support/fixtures.js';
import {
  connectSdk,
  isPatch,
  isPatchTo,
  isSnapshot,
  patchChain,
  type SdkSocket,
} from './support/sdk-socket.js';
import { useTestApp } from './support/test-app.js';

// Small SDK buffers so that a client that stops reading is cut off after a few large patches.
// New flags start disabled in every environment, so each test's first change turns one on.
const testApp = useTestApp({
  bodyLimit: 1024 * 1024,
  delivery: { maxBufferedBytes: 256 * 1024, heartbeatMs: 60_000 },
});

let baseUrl = '';
beforeAll(async () => {
  baseUrl = await testApp().app.listen({ port: 0, host: '127.0.0.1' });
});

/** An environment with one server-only and one client-side flag, and an SDK key of each kind. */
async function setUp() {
  const t = testApp();
  const environment = await createEnvironment(t);
  const serverFlag = await createFlag(t);
  const clientFlag = await createFlag(t, { clientSide: true });
  const serverKey = await t.createKey({ kind: 'server', name: `srv-${environment}`, environment });
  const clientKey = await t.createKey({ kind: 'client', name: `cli-${environment}`, environment });
  const configure = async (flag: string, config: Record<string, unknown>) => {
    const response = await t.request({
      method: 'PUT',
      url: `/api/v1/environments/${environment}/flags/${flag}`,
      body: config,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  };
  return { t, environment, serverFlag, clientFlag, serverKey, clientKey, configure };
}

const snapshotOf = (sdk: SdkSocket) => sdk.next(isSnapshot) as Promise<SnapshotMessage>;

describe('the SDK stream', () => {
  it('sends a snapshot, then each admin change as a patch with the next version', async () => {
    const { serverKey, serverFlag, configure } = await setUp();
    const sdk = await connectSdk(baseUrl, serverKey);
    const snapshot = await snapshotOf(sdk);
    expect(snapshot.flags.map((flag) => flag.key)).toContain(serverFlag);

    await configure(serverFlag, booleanConfig());
    const patch = (await sdk.next(isPatch())) as PatchMessage;
    expect(patch).toMatchObject({ previousVersion: snapshot.version, version: snapshot.version + 1 });
    expect(patch.flags).toEqual([expect.objectContaining({ key: serverFlag, enabled: true })]);
    sdk.close();
  });

  it('gives a client that reconnects with an old version exactly what it missed, in order', async () => {
    const { serverKey, serverFlag, configure } = await setUp();
    const first = await connectSdk(baseUrl, serverKey);
    const start = (await snapshotOf(first)).version;
    first.close();
    for (const enabled of [true, false, true]) await configure(serverFlag, booleanConfig({ enabled }));

    const again = await connectSdk(baseUrl, serverKey, { hello: { version: start } });
    // The catch-up comes first; a change still being fanned out follows as an ordinary patch.
    await again.next(isPatch(start + 3));
    const frames = again.messages.filter((message) => message.type !== 'heartbeat');
    // Writes that land while the server reloads are folded into one patch (ADR 0004), so a patch may span
    // versions; what must hold is an unbroken chain from the client's version to the latest, in order.
    expect(frames.every((message) => message.type === 'patch')).toBe(true);
    const patches = frames as PatchMessage[];
    expect(patches.map((patch) => patch.previousVersion)).toEqual([
      start,
      ...patches.slice(0, -1).map((p) => p.version),
    ]);
    expect(patches.at(-1)?.version).toBe(start + 3);
    expect(patches.at(-1)?.flags).toEqual([expect.objectContaining({ key: serverFlag, enabled: true })]);

    // Already current: nothing but the heartbeat that says so.
    const current = await connectSdk(baseUrl, serverKey, { hello: { version: start + 3 } });
    await current.next((message) => message.type === 'heartbeat');
    expect(current.messages.map((message) => message.type)).toEqual(['heartbeat']);
    // A version this instance never saw: a snapshot.
    const lost = await connectSdk(baseUrl, serverKey, { hello: { version: 999_999 } });
    expect((await snapshotOf(lost)).version).toBe(start + 3);
    for (const sdk of [again, current, lost]) sdk.close();
  });

  it('never sends server-only flags or raw key lists to client keys', async () => {
    const { environment, serverFlag, clientFlag, clientKey, configure } = await setUp();
    await configure(
      clientFlag,
      booleanConfig({
        targets: [{ variant: 'off', keys: ['alice@example.com'] }],
        rules: [
          {
            id: 'listed',
            conditions: [{ attribute: 'key', operator: 'in', values: ['carol@example.com'] }],
            serve: { variant: 'off' },
          },
        ],
      }),
    );
    const browser = await connectSdk(baseUrl, clientKey, { keyInQuery: true });
    const snapshot = await snapshotOf(browser);
    // Flags are global: other tests' client-side flags are here too, but never a server-only one.
    expect(snapshot.flags.map((flag) => flag.key)).toContain(clientFlag);
    expect(snapshot.flags.every((flag) => flag.clientSide)).toBe(true);
    expect(snapshot.keyHashSalt).toBe(environment);
    expect(JSON.stringify(snapshot)).not.toContain('alice@example.com');
    expect(JSON.stringify(snapshot)).not.toContain('carol@example.com');

    await configure(serverFlag, booleanConfig());
    await configure(clientFlag, booleanConfig({ targets: [{ variant: 'off', keys: ['bob@example.com'] }] }));
    await browser.next(isPatchTo(snapshot.version + 2));
    // The server-only change reaches a client key as an empty patch, or folded into the next one: either
    // way the only flag the client is sent is its own.
    const patches = patchChain(browser.messages, snapshot.version);
    expect(patches.at(-1)!.version).toBe(snapshot.version + 2);
    expect(patches.flatMap((patch) => patch.flags.map((flag) => flag.key))).toEqual([clientFlag]);
    expect(JSON.stringify(browser.messages)).not.toContain(serverFlag);
    expect(JSON.stringify(browser.messages)).not.toContain('bob@example.com');
    browser.close();
  });

  it('refuses server keys in the URL and unknown keys, with a close code that says why', async () => {
    const { serverKey } = await setUp();
    const inUrl = await connectSdk(baseUrl, serverKey, { keyInQuery: true });
    expect((await inUrl.closed).code).toBe(4400);
    const unknown = await connectSdk(baseUrl, 'unv_srv_nope');
    expect((await unknown.closed).code).toBe(4401);
    expect(unknown.messages).toEqual([
      expect.objectContaining({ type: 'error', code: 'UNVEIL_ERR_AUTH_INVALID' }),
    ]);
  });

  it('closes a sender of garbage, and only that one', async () => {
    const { serverKey, serverFlag, configure } = await setUp();
    const good = await connectSdk(baseUrl, serverKey);
    const bad = await connectSdk(baseUrl, serverKey);
    const start = (await snapshotOf(good)).version;
    await snapshotOf(bad);
    bad.send('{"type":"hello"'); // not JSON
    expect((await bad.closed).code).toBe(4400);
    const binary = await connectSdk(baseUrl, serverKey);
    binary.socket.send(Buffer.from([0xde, 0xad]), { binary: true });
    expect((await binary.closed).code).toBe(4400);
    const unknownType = await connectSdk(baseUrl, serverKey);
    unknownType.send({ type: 'subscribe', all: true });
    expect((await unknownType.closed).code).toBe(4400);

    await configure(serverFlag, booleanConfig());
    expect((await good.next(isPatch(start + 1))).type).toBe('patch');
    good.close();
  });

  it('cuts off a client that stops reading, and the others still get every patch', async () => {
    const { serverKey, serverFlag, configure } = await setUp();
    const reader = await connectSdk(baseUrl, serverKey);
    const stalled = await connectSdk(baseUrl, serverKey);
    const start = (await snapshotOf(reader)).version;
    await snapshotOf(stalled);
    // Stop reading: the kernel buffers fill, then the server's send buffer passes its bound.
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const keys = Array.from({ length: 2_000 }, (_, i) => `user-${i}-${'x'.repeat(80)}`);
    const rounds = 100;
    for (let round = 0; round < rounds; round++) {
      await configure(serverFlag, booleanConfig({ targets: [{ variant: round % 2 ? 'on' : 'off', keys }] }));
    }
    await reader.next(isPatchTo(start + rounds), 20_000);
    // Every change reached the reader: one unbroken chain of patches up to the last version (a burst may
    // arrive folded into fewer patches, by design: reloads of an environment never overlap).
    const patches = patchChain(reader.messages, start);
    expect(patches.at(-1)!.version).toBe(start + rounds);
    // The server closed it (4429); a peer that does not read never sees the close frame, so it only sees
    // the connection end. The server's own count says why.
    (stalled.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    await stalled.closed;
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/unveil_stream_dropped_total\{reason="slow"\} [1-9]/);
    reader.close();
  }, 60_000);
});

describe('delivery proof', () => {
  it('counts the SDKs that acknowledged each version, with latencies, per app version', async () => {
    const { t, environment, serverKey, serverFlag, configure } = await setUp();
    const acking = await connectSdk(baseUrl, serverKey, { hello: { app: { version: '2.1.0' } } });
    const silent = await connectSdk(baseUrl, serverKey, { hello: { app: { version: '2.0.0' } } });
    const start = (await snapshotOf(acking)).version;
    await snapshotOf(silent);
    await configure(serverFlag, booleanConfig());
    await acking.next(isPatch(start + 1));
    await silent.next(isPatch(start + 1));
    acking.send({ type: 'ack', version: start + 1 });
    acking.send({ type: 'ack', version: start + 1 }); // a repeated ack is not a second SDK applying it

    await expect
      .poll(
        async () =>
          (await t.request({ method: 'GET', url: `/api/v1/environments/${environment}/delivery` })).body,
      )
      .toMatchObject({
        version: start + 1,
        versions: [
          {
            version: start + 1,
            audience: 2,
            applied: 1,
            summary: expect.stringMatching(/applied by 1 of 2/),
          },
        ],
        sdks: {
          connected: 2,
          byAppVersion: expect.arrayContaining([
            { appVersion: '2.1.0', count: 1 },
            { appVersion: '2.0.0', count: 1 },
          ]),
        },
      });
    acking.close();
    silent.close();
  });
});

describe('GET /sdk/v1/config and POST /sdk/v1/evaluate', () => {
  it('answers the snapshot with an ETag, then 304 until the next change', async () => {
    const { serverKey, serverFlag, configure } = await setUp();
    const headers = { authorization: `Bearer ${serverKey}` };
    const first = await fetch(`${baseUrl}/sdk/v1/config`, { headers });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const body = (await first.json()) as ServerMessage;
    expect(body.type).toBe('snapshot');
    const again = await fetch(`${baseUrl}/sdk/v1/config`, { headers: { ...headers, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    await configure(serverFlag, booleanConfig());
    await expect
      .poll(
        async () =>
          (await fetch(`${baseUrl}/sdk/v1/config`, { headers: { ...headers, 'if-none-match': etag } }))
            .status,
      )
      .toBe(200);
  });

  it('evaluates client-side flags for one context, hashed targets included', async () => {
    const { clientKey, clientFlag, serverFlag, configure } = await setUp();
    await configure(
      clientFlag,
      booleanConfig({
        targets: [{ variant: 'off', keys: ['alice'] }],
        rules: [
          {
            id: 'listed',
            conditions: [{ attribute: 'key', operator: 'in', values: ['carol'] }],
            serve: { variant: 'off' },
          },
        ],
      }),
    );
    const evaluate = async (key: string) => {
      const response = await fetch(`${baseUrl}/sdk/v1/evaluate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ context: { key } }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { flags: Record<string, { value: unknown; reason: string }> };
    };
    await expect
      .poll(async () => (await evaluate('alice')).flags[clientFlag])
      .toMatchObject({ value: false, reason: 'TARGET_MATCH' });
    expect((await evaluate('carol')).flags[clientFlag]).toMatchObject({ value: false, reason: 'RULE_MATCH' });
    const bob = await evaluate('bob');
    expect(bob.flags[clientFlag]).toMatchObject({ value: true, reason: 'FALLTHROUGH' });
    expect(Object.keys(bob.flags)).not.toContain(serverFlag);
  });

  it('answers bad keys and bad bodies with problem+json', async () => {
    const { clientKey } = await setUp();
    const missing = await fetch(`${baseUrl}/sdk/v1/config`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const bad = await fetch(`${baseUrl}/sdk/v1/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: 'nope' }),
    });
    expect(bad.status).toBe(400);
  });
});

describe('POST /sdk/v1/events', () => {
  it('sums exposures per flag, variant and hour, drops unknown flags, and reports usage', async () => {
    const { t, environment, serverKey, serverFlag } = await setUp();
    const post = (body: unknown) =>
      fetch(`${baseUrl}/sdk/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serverKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const batch = (exposures: { flag: string; variant: string; count: number }[]) => ({
      sdk: { name: 'test', version: '0.0.0' },
      from: 0,
      to: 1,
      exposures,
      tracked: [{ event: 'checkout-error', key: 'user-1', value: 1, at: 1 }],
    });
    expect((await post(batch([{ flag: serverFlag, variant: 'on', count: 3 }]))).status).toBe(202);
    expect(
      (
        await post(
          batch([
            { flag: serverFlag, variant: 'on', count: 2 },
            { flag: serverFlag, variant: 'off', count: 1 },
            { flag: 'not-a-flag', variant: 'on', count: 100 },
          ]),
        )
      ).status,
    ).toBe(202);
    await t.app.services.usage.flush();

    const usage = await t.request({
      method: 'GET',
      url: `/api/v1/environments/${environment}/flags/${serverFlag}/usage`,
    });
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ total: 6, lastEvaluatedHour: expect.any(String) });
    expect(usage.body.byVariant).toEqual(
      expect.arrayContaining([
        { variant: 'on', count: 5 },
        { variant: 'off', count: 1 },
      ]),
    );
    const ghost = await t.request({
      method: 'GET',
      url: `/api/v1/environments/${environment}/flags/not-a-flag/usage`,
    });
    expect(ghost.body).toMatchObject({ total: 0, lastEvaluatedHour: null });
  });

  it('refuses malformed batches with problem+json naming the field', async () => {
    const { serverKey } = await setUp();
    const response = await fetch(`${baseUrl}/sdk/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serverKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        sdk: { name: 'x', version: '1' },
        from: 0,
        to: 1,
        exposures: [{ flag: 'f', variant: 'on', count: -1 }],
        tracked: [],
      }),
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path)).toContain('/body/exposures/0/count');
  });
});

describe('browser access to the SDK API', () => {
  it('answers CORS preflights and exposes the ETag to pages on other origins', async () => {
    const { clientKey } = await setUp();
    const preflight = await fetch(`${baseUrl}/sdk/v1/config`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,if-none-match',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const response = await fetch(`${baseUrl}/sdk/v1/config`, {
      headers: { origin: 'https://shop.example', authorization: `Bearer ${clientKey}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-expose-headers')).toContain('etag');
  });
});
