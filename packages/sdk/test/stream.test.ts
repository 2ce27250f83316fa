import type { HelloMessage } from '@unveil/core';
import { describe, expect, it } from 'vitest';
import type { UnveilError } from '../src/errors.js';
import type { WebSocketLike } from '../src/transport/socket.js';
import { createStream } from '../src/transport/stream.js';
import { ManualClock, settle } from './helpers.js';

/** A socket the test drives: frames in with `receive`, the connection ends with `drop`. */
class FakeSocket implements WebSocketLike {
  readyState = 1;
  sent: unknown[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006): void {
    this.onclose?.({ code, reason: '' });
  }
}

/** A stream on a manual clock, with jitter at its maximum, recording what it reports. */
function setup(answer: (message: unknown) => boolean = () => true) {
  const clock = new ManualClock();
  const sockets: FakeSocket[] = [];
  const reported: string[] = [];
  const stream = createStream(
    {
      url: 'ws://flags.test/sdk/v1/stream',
      headers: undefined,
      open: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      clock,
      random: () => 0.999_999,
    },
    {
      hello: () => ({ type: 'hello', sdk: { name: 'test', version: '0' } }) as HelloMessage,
      message: (message) => answer(message),
      synced: () => reported.push('synced'),
      lost: (error: UnveilError) => reported.push(`lost ${error.code}`),
      refused: (error: UnveilError) => reported.push(`refused ${error.code}`),
      error: (error: UnveilError) => reported.push(`error ${error.code}`),
    },
  );
  /** Opens the next socket and lets the open callbacks run. */
  const connected = async () => {
    await settle();
    const socket = sockets.at(-1)!;
    socket.onopen?.({});
    return socket;
  };
  /** The time until the next connection attempt, found by advancing the clock 1 ms at a time. */
  const delayUntilNextSocket = async () => {
    const count = sockets.length;
    for (let waited = 0; waited <= 60_000; waited++) {
      await settle();
      if (sockets.length > count) return waited;
      clock.advance(1);
    }
    return Number.POSITIVE_INFINITY;
  };
  return { clock, sockets, reported, stream, connected, delayUntilNextSocket };
}

describe('stream', () => {
  it('says hello on open, and acks only while connected', async () => {
    const { stream, connected } = setup();
    stream.start();
    const socket = await connected();
    stream.send({ type: 'ack', version: 3 });
    socket.readyState = 3;
    stream.send({ type: 'ack', version: 4 });
    expect(socket.sent).toEqual([
      { type: 'hello', sdk: { name: 'test', version: '0' } },
      { type: 'ack', version: 3 },
    ]);
    stream.stop();
  });

  it('reconnects with growing jittered delays, and from the base again after a healthy connection', async () => {
    const { stream, clock, connected, delayUntilNextSocket, reported } = setup();
    stream.start();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      (await connected()).drop();
      delays.push(await delayUntilNextSocket());
    }
    // Full jitter at its maximum: just under 500, 1,000, 2,000 ms.
    expect(delays).toEqual([499, 999, 1_999]);
    const healthy = await connected();
    healthy.receive({ type: 'heartbeat', at: 0, intervalMs: 60_000 });
    clock.advance(15_000);
    healthy.drop();
    expect(await delayUntilNextSocket()).toBe(499);
    expect(reported.filter((event) => event === 'lost UNVEIL_ERR_SDK_STREAM')).toHaveLength(4);
    stream.stop();
  });

  it('waits at least the goaway hint before reconnecting', async () => {
    const { stream, connected, delayUntilNextSocket } = setup();
    stream.start();
    (await connected()).receive({ type: 'goaway', retryAfterMs: 5_000, reason: 'shutdown' });
    expect(await delayUntilNextSocket()).toBe(5_499);
    stream.stop();
  });

  it('resyncs on a version gap without reporting the stream lost', async () => {
    const { stream, sockets, connected, delayUntilNextSocket, reported } = setup(() => false);
    stream.start();
    const socket = await connected();
    socket.receive({ type: 'patch', version: 9, previousVersion: 8 });
    expect(socket.closed).toBe(true);
    expect(await delayUntilNextSocket()).toBe(499);
    expect(sockets).toHaveLength(2);
    expect(reported).toEqual([]);
    stream.stop();
  });

  it('gives up on a silent connection after two heartbeat intervals', async () => {
    const { stream, clock, connected, reported } = setup();
    stream.start();
    const socket = await connected();
    socket.receive({ type: 'heartbeat', at: 0, intervalMs: 1_000 });
    clock.advance(1_999);
    expect(socket.closed).toBe(false);
    clock.advance(1);
    expect(socket.closed).toBe(true);
    expect(reported).toEqual(['synced', 'lost UNVEIL_ERR_SDK_STREAM']);
    stream.stop();
  });

  it('stops for good when the server refuses the key', async () => {
    const { stream, connected, delayUntilNextSocket, reported } = setup();
    stream.start();
    (await connected()).drop(4401);
    expect(reported).toEqual(['refused UNVEIL_ERR_SDK_AUTH']);
    expect(await delayUntilNextSocket()).toBe(Number.POSITIVE_INFINITY);
  });

  it('reports frames that are not JSON and server error frames, and ignores unknown types', async () => {
    const { stream, connected, reported } = setup();
    stream.start();
    const socket = await connected();
    socket.onmessage?.({ data: '{' });
    socket.receive({ type: 'error', code: 'E', message: 'm' });
    socket.receive({ type: 'from-the-future' });
    expect(reported).toEqual(['error UNVEIL_ERR_SDK_BAD_MESSAGE', 'error UNVEIL_ERR_SDK_SERVER']);
    stream.stop();
  });
});
