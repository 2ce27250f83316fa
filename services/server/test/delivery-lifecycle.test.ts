import type { GoawayMessage, HeartbeatMessage, ServerMessage } from '@unveil/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEnvironment } from './support/fixtures.js';
import { connectSdk } from './support/sdk-socket.js';
import { useTestApp } from './support/test-app.js';

// A fast heartbeat so that liveness is observable within a test.
const HEARTBEAT_MS = 150;
const testApp = useTestApp({
  delivery: { heartbeatMs: HEARTBEAT_MS, goawayRetryMs: 2_500, keyRecheckMs: 100 },
});

let baseUrl = '';
let serverKey = '';
beforeAll(async () => {
  const t = testApp();
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const environment = await createEnvironment(t);
  serverKey = await t.createKey({ kind: 'server', name: 'lifecycle', environment });
});

const isHeartbeat = (message: ServerMessage): message is HeartbeatMessage => message.type === 'heartbeat';

describe('stream liveness and shutdown', () => {
  it('sends heartbeats that carry their interval to a live client', async () => {
    const sdk = await connectSdk(baseUrl, serverKey);
    await expect
      .poll(() => sdk.messages.filter(isHeartbeat).length, { timeout: 5_000 })
      .toBeGreaterThanOrEqual(3);
    expect(sdk.messages.filter(isHeartbeat).every((beat) => beat.intervalMs === HEARTBEAT_MS)).toBe(true);
    sdk.close();
  });

  it('sends no heartbeat before the catch-up: a heartbeat means "you are current"', async () => {
    const waiting = await connectSdk(baseUrl, serverKey, { hello: false });
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 3));
    expect(waiting.messages).toEqual([]);
    waiting.send({ type: 'hello', sdk: { name: 'test', version: '0.0.0' } });
    await waiting.next(isHeartbeat);
    expect(waiting.messages.map((message) => message.type).slice(0, 2)).toEqual(['snapshot', 'heartbeat']);
    waiting.close();
  });

  it('drops a peer that stops answering pings, and counts it', async () => {
    const silent = await connectSdk(baseUrl, serverKey);
    await silent.next(isHeartbeat);
    // A paused socket reads nothing, so it answers no ping: after two ticks the server lets it go.
    (silent.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 4));
    (silent.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    await silent.closed;
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/unveil_stream_dropped_total\{reason="dead"\} [1-9]/);
  });

  it('closes open connections of a key within about a second of its revocation', async () => {
    const t = testApp();
    const environment = await createEnvironment(t);
    const { key, record } = await t.app.services.keys.create(
      { kind: 'server', name: `revoked-${environment}`, environment },
      { actor: 'test' },
    );
    const sdk = await connectSdk(baseUrl, key);
    await sdk.next(isHeartbeat);
    const revoked = await t.request({ method: 'POST', url: `/api/v1/keys/${record.id}/revoke`, body: {} });
    expect(revoked.status).toBe(200);
    t.clock.advance(1_001); // the key check cached before the revocation expires
    const closed = await sdk.closed;
    expect(closed.code).toBe(4401);
    expect(sdk.messages.at(-1)).toMatchObject({ type: 'error', code: 'UNVEIL_ERR_AUTH_INVALID' });
  });

  it('says goaway, with the retry hint, to every client when the server shuts down', async () => {
    const clients = await Promise.all([connectSdk(baseUrl, serverKey), connectSdk(baseUrl, serverKey)]);
    await Promise.all(clients.map((sdk) => sdk.next(isHeartbeat)));
    await testApp().app.close();
    for (const sdk of clients) {
      const goaway = (await sdk.next((message) => message.type === 'goaway')) as GoawayMessage;
      expect(goaway.retryAfterMs).toBe(2_500);
      expect((await sdk.closed).code).toBe(1001);
    }
  });
});
