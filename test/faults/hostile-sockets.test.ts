/**
 * Malformed, oversized and slow websocket peers against a real server process (the in-process delivery
 * tests cover JSON garbage, binary frames and unknown frame types with small limits; this file uses the
 * production defaults: 64 KiB frames, 4 MiB send buffer). Each offender is closed with a code that says
 * why, only the offender is affected, and the server's memory stays bounded.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Seeded, seed } from '../support/admin-api.js';
import { rssBytes } from '../support/process-memory.js';
import { connectFleet, type StreamClient, type StreamFleet } from '../support/stream-clients.js';
import { startServer, type UnveilServer } from '../support/unveil-server.js';

const MiB = 1024 * 1024;
/** Every message an offender sends: far past the 64 KiB frame limit. */
const OVERSIZED = 10 * MiB;
const OVERSIZED_SENDERS = 10;
/** Never-reading clients, each of which must be cut off once 4 MiB wait for it. */
const STALLED = 4;

let server: UnveilServer;
let seeded: Seeded;
let bystanders: StreamFleet;

beforeAll(async () => {
  server = await startServer();
  seeded = await seed(server.admin, { big: {}, canary: {} }, 'hostile');
  bystanders = await connectFleet([server.url], seeded.serverKey, 5);
}, 90_000);

afterAll(async () => {
  await bystanders?.close();
  await server?.dispose();
}, 60_000);

const rss = () => rssBytes(server.pid!);
const closedWith = (client: StreamClient) =>
  new Promise<number>((resolve) => {
    if (client.closed !== undefined) resolve(client.closed.code);
    else client.socket.once('close', (code) => resolve(code));
  });

describe('hostile websocket peers', () => {
  it('closes senders of garbage with a code that says why, and only them', async () => {
    const offenders = await connectFleet([server.url], seeded.serverKey, 3);
    const [notJson, binary, notWebSocket] = offenders.clients as [StreamClient, StreamClient, StreamClient];
    notJson.socket.send('{"type":"hello"');
    binary.socket.send(randomBytes(64), { binary: true });
    // Not even websocket framing: text straight onto the TCP connection ("n" reads as a frame header
    // with reserved bits set, a protocol error).
    (notWebSocket.socket as unknown as { _socket: { write(data: string): void } })._socket.write(
      'not websocket framing',
    );
    expect(await closedWith(notJson)).toBe(4400);
    expect(await closedWith(binary)).toBe(4400);
    expect(await closedWith(notWebSocket)).toBe(1002);
    await expectBystandersServed();
  });

  it('refuses 10 MB messages at the frame header (1009) without buffering them', async () => {
    const baseline = rss();
    const senders = await connectFleet([server.url], seeded.serverKey, OVERSIZED_SENDERS);
    const payload = 'x'.repeat(OVERSIZED);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rss());
    }, 20);
    const codes = await Promise.all(
      senders.clients.map((client) => {
        const closed = closedWith(client);
        client.socket.send(payload, () => {}); // the server may reset before all of it is written
        return closed;
      }),
    );
    clearInterval(sampler);
    // The server closes with 1009 (message too big); a sender still writing may see the reset instead.
    expect(codes.filter((code) => code === 1009).length).toBeGreaterThan(0);
    expect(codes.filter((code) => code !== 1009 && code !== 1006)).toEqual([]);
    const offered = (OVERSIZED_SENDERS * OVERSIZED) / MiB;
    const grew = (peak - baseline) / MiB;
    console.info(`server RSS grew ${grew.toFixed(1)} MiB while ${offered} MiB were offered`);
    expect(grew, `RSS grew ${grew.toFixed(0)} MiB while ${offered} MiB were offered`).toBeLessThan(
      offered / 4,
    );
    await expectBystandersServed();
  });

  it('cuts off clients that never read while large changes flow; the others get every version', async () => {
    const stalled = await connectFleet([server.url], seeded.serverKey, STALLED);
    for (const client of stalled.clients) socketOf(client).pause();
    const droppedBefore = await slowDrops();
    const baseline = rss();
    const start = await server.admin.snapshotVersion(seeded.environment);
    // ~500 KB patches (the flag travels whole): 30 of them is 15 MB for each stalled client, more than the
    // 4 MiB send buffer plus what the kernel's socket buffers absorb.
    const keys = Array.from({ length: 5_000 }, (_, i) => `user-${i}-${'x'.repeat(90)}`);
    const rounds = 30;
    let peak = baseline;
    for (let round = 0; round < rounds; round++) {
      await server.admin.putConfig(seeded.environment, 'big', {
        enabled: true,
        offVariant: 'off',
        fallthrough: { variant: 'off' },
        targets: [{ variant: round % 2 === 0 ? 'on' : 'off', keys }],
      });
      peak = Math.max(peak, rss());
    }
    await expect.poll(slowDrops, { timeout: 10_000 }).toBe(droppedBefore + STALLED);
    // Bystanders got every version, in order (writes landing during one reload share a patch: ADR 0004).
    await bystanders.reach(start + rounds);
    expect(bystanders.anomalies()).toEqual({ gaps: 0, reordered: 0 });
    // A stalled peer never reads the close frame; once it reads again it finds its connection over.
    for (const client of stalled.clients) socketOf(client).resume();
    await Promise.all(stalled.clients.map(closedWith));
    // Every socket is sent the same frame buffers, so a queue costs little memory per client: the bound
    // that matters here is the cut-off above. This only guards against gross growth (the history of
    // large patches and the writes' garbage account for what is seen).
    const grew = (peak - baseline) / MiB;
    console.info(
      `server RSS ${(baseline / MiB).toFixed(0)} MiB before the changes, peak ${(peak / MiB).toFixed(0)} MiB`,
    );
    expect(grew).toBeLessThan(256);
    await expectBystandersServed();
  }, 60_000);
});

let canaryOn = false;

/** Bystanders are still connected and get the next change. */
async function expectBystandersServed(): Promise<void> {
  expect(bystanders.clients.filter((client) => client.closed !== undefined)).toEqual([]);
  canaryOn = !canaryOn;
  await server.admin.serve(seeded.environment, 'canary', canaryOn ? 'on' : 'off', 'off');
  await bystanders.reach(await server.admin.snapshotVersion(seeded.environment));
}

/** The underlying TCP socket: pausing it stops reading, so the kernel's buffers fill, then the server's. */
function socketOf(client: StreamClient): { pause(): void; resume(): void } {
  return (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
}

/** The server's own count of clients cut off for not reading. */
async function slowDrops(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^unveil_stream_dropped_total\{reason="slow"\} (\d+)/m.exec(text)?.[1] ?? 0);
}
