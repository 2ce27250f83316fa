import type { EventsBatch } from '@unveil/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventBuffer } from '../src/events.js';
import { createClient } from '../src/index.js';
import type { FetchInit, FetchLike } from '../src/transport/http.js';
import { flag, ManualClock, settle, snapshot } from './helpers.js';

const header = { sdk: { name: '@unveil/sdk', version: '0.1.0' } };

describe('event aggregation', () => {
  it('counts exposures per flag and variant, and sends tracked events one by one', () => {
    const buffer = new EventBuffer(10, 1_000);
    buffer.exposure('a', 'on');
    buffer.exposure('a', 'on');
    buffer.exposure('a', 'off');
    buffer.exposure('b', 'on');
    buffer.track({ event: 'checkout', key: 'u1', value: 12.5, at: 1_500 });
    expect(buffer.take(header, 2_000)).toEqual({
      sdk: header.sdk,
      from: 1_000,
      to: 2_000,
      exposures: [
        { flag: 'a', variant: 'on', count: 2 },
        { flag: 'a', variant: 'off', count: 1 },
        { flag: 'b', variant: 'on', count: 1 },
      ],
      tracked: [{ event: 'checkout', key: 'u1', value: 12.5, at: 1_500 }],
    });
    // A new window starts where the last one ended; nothing to send is no batch.
    expect(buffer.take(header, 3_000)).toBeUndefined();
    buffer.exposure('a', 'on');
    expect(buffer.take(header, 4_000)).toMatchObject({ from: 3_000, to: 4_000 });
  });

  it('drops tracked events beyond the bound and counts them in the next batch', () => {
    const buffer = new EventBuffer(3, 0);
    for (let i = 0; i < 5; i++) buffer.track({ event: `e${i}`, at: i });
    const batch = buffer.take(header, 10)!;
    expect(batch.tracked.map((event) => event.event)).toEqual(['e0', 'e1', 'e2']);
    expect(batch.dropped).toBe(2);
    buffer.track({ event: 'later', at: 11 });
    expect(buffer.take(header, 20)!.dropped).toBeUndefined();
  });

  it('bounds exposures by distinct flag × variant pairs, not by evaluations', () => {
    const buffer = new EventBuffer(10, 0, 2);
    for (let i = 0; i < 10_000; i++) buffer.exposure('a', 'on');
    buffer.exposure('b', 'on');
    buffer.exposure('c', 'on');
    buffer.exposure('c', 'on');
    const batch = buffer.take(header, 1)!;
    expect(batch.exposures).toEqual([
      { flag: 'a', variant: 'on', count: 10_000 },
      { flag: 'b', variant: 'on', count: 1 },
    ]);
    expect(batch.dropped).toBe(2);
  });

  it('counts through counters, merging the counters of one pair (two configurations) within the same bound', () => {
    const buffer = new EventBuffer(10, 0, 2);
    const before = buffer.counter('a', 'on');
    const after = buffer.counter('a', 'on'); // the same pair, in the next compiled configuration
    const other = buffer.counter('b', 'on');
    const third = buffer.counter('c', 'on');
    for (let i = 0; i < 3; i++) buffer.served(before);
    buffer.served(after);
    buffer.served(other);
    buffer.served(third); // a third pair: over the bound of 2
    buffer.served(third);
    expect(buffer.take(header, 1)).toMatchObject({
      exposures: [
        { flag: 'a', variant: 'on', count: 4 },
        { flag: 'b', variant: 'on', count: 1 },
      ],
      dropped: 2,
    });
    // A new window: counters start again from zero.
    buffer.served(third);
    expect(buffer.take(header, 2)).toMatchObject({ exposures: [{ flag: 'c', variant: 'on', count: 1 }] });
    expect(buffer.take(header, 3)).toBeUndefined();
  });

  it('restores a failed batch within the same bounds, keeping the most recent events', () => {
    const buffer = new EventBuffer(3, 100);
    buffer.exposure('a', 'on');
    buffer.track({ event: 'old-1', at: 101 });
    buffer.track({ event: 'old-2', at: 102 });
    const failed = buffer.take(header, 200)!;
    buffer.exposure('a', 'on');
    buffer.track({ event: 'new-1', at: 201 });
    buffer.track({ event: 'new-2', at: 202 });
    buffer.restore(failed);
    const batch = buffer.take(header, 300)!;
    expect(batch.from).toBe(100);
    expect(batch.exposures).toEqual([{ flag: 'a', variant: 'on', count: 2 }]);
    expect(batch.tracked.map((event) => event.event)).toEqual(['old-2', 'new-1', 'new-2']);
    expect(batch.dropped).toBe(1);
  });

  it('property: whatever happens, memory stays bounded and every event is sent or counted as dropped', () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant('track' as const) }),
      fc.record({ kind: fc.constant('flush' as const), fails: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(action, { maxLength: 80 }), (max, actions) => {
        const buffer = new EventBuffer(max, 0);
        let tracked = 0;
        let sent = 0;
        let dropped = 0;
        actions.forEach((step, at) => {
          if (step.kind === 'track') {
            buffer.track({ event: 'e', at });
            tracked++;
          } else {
            const batch = buffer.take(header, at);
            if (batch === undefined) return;
            if (step.fails) buffer.restore(batch);
            else {
              sent += batch.tracked.length;
              dropped += batch.dropped ?? 0;
            }
          }
          expect(buffer.trackedCount).toBeLessThanOrEqual(max);
        });
        const rest = buffer.take(header, actions.length);
        sent += rest?.tracked.length ?? 0;
        dropped += rest?.dropped ?? 0;
        expect(sent + dropped).toBe(tracked);
      }),
    );
  });
});

/** A `fetch` that records what it is given and answers with `status` — no server involved. */
function recordingFetch(status: () => number) {
  const calls: { url: string; init: FetchInit }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    // Configuration polls are answered "not modified": only the events matter here.
    return {
      status: init.method === 'GET' ? 304 : status(),
      headers: { get: () => null },
      text: async () => '',
    };
  };
  return { calls, fetch };
}

describe('event flushing through the client', () => {
  it('sends exposures of served variants and tracked events in one batch, with sdk and app', async () => {
    const clock = new ManualClock();
    const { calls, fetch } = recordingFetch(() => 202);
    const client = createClient({
      url: 'https://flags.example.com/',
      sdkKey: 'unv_srv_test',
      bootstrap: snapshot(1, [flag('on-flag'), flag('text', {}, 'string')]),
      context: { key: 'user-1' },
      app: { version: '2.3.0', build: 'abc123' },
      streaming: false,
      pollIntervalMs: 3_600_000,
      flushIntervalMs: 10_000,
      fetch,
      clock,
      cache: false,
    });
    client.isEnabled('on-flag');
    client.isEnabled('on-flag');
    client.getValue('text', 'default');
    client.getValue('missing', 'default'); // no variant served: no exposure
    client.getValue('on-flag', 'wrong type'); // TYPE_MISMATCH: no exposure
    client.all(); // all() counts nothing
    client.track('purchase', 42);
    client.track('view', Number.NaN, { key: 'user-2' });
    await settle();
    clock.advance(10_000);
    await settle();
    const posts = calls.filter((call) => call.init.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.url).toBe('https://flags.example.com/sdk/v1/events');
    expect(posts[0]!.init.headers).toMatchObject({
      authorization: 'Bearer unv_srv_test',
      'content-type': 'application/json',
    });
    const batch = JSON.parse(posts[0]!.init.body!) as EventsBatch;
    expect(batch).toEqual({
      sdk: { name: '@unveil/sdk', version: '0.1.0' },
      app: { version: '2.3.0', build: 'abc123' },
      from: clock.now() - 10_000,
      to: clock.now(),
      exposures: [
        { flag: 'on-flag', variant: 'on', count: 2 },
        { flag: 'text', variant: 'on', count: 1 },
      ],
      tracked: [
        { event: 'purchase', key: 'user-1', value: 42, at: clock.now() - 10_000 },
        { event: 'view', key: 'user-2', at: clock.now() - 10_000 },
      ],
    });
    await client.close();
  });

  it('keeps a failed batch and sends it with the next one; flushes on close', async () => {
    const clock = new ManualClock();
    let status = 503;
    const { calls, fetch } = recordingFetch(() => status);
    const errors: string[] = [];
    const client = createClient({
      url: 'https://flags.example.com',
      sdkKey: 'unv_srv_test',
      bootstrap: snapshot(1, [flag('a')]),
      streaming: false,
      pollIntervalMs: 3_600_000,
      fetch,
      clock,
      cache: false,
      onError: (error) => errors.push(error.code),
    });
    client.isEnabled('a');
    clock.advance(10_000);
    await settle();
    expect(errors).toEqual(['UNVEIL_ERR_SDK_EVENTS']);
    status = 200;
    client.isEnabled('a');
    await client.close();
    const bodies = calls
      .filter((call) => call.init.method === 'POST')
      .map((call) => JSON.parse(call.init.body!));
    expect(bodies).toHaveLength(2);
    expect(bodies[1].exposures).toEqual([{ flag: 'a', variant: 'on', count: 2 }]);
  });

  it('never sends anything offline', async () => {
    const { calls, fetch } = recordingFetch(() => 200);
    const client = createClient({
      url: 'https://flags.example.com',
      sdkKey: 'unv_cli_test',
      bootstrap: snapshot(1, [flag('a')]),
      offline: true,
      fetch,
      cache: false,
    });
    client.isEnabled('a');
    client.track('x');
    await client.flush();
    await client.close();
    expect(calls).toEqual([]);
  });
});
