import type { Snapshot } from '@unveil/core';
import { describe, expect, it } from 'vitest';
import { EnvironmentFeed, type Subscriber } from '../src/features/delivery/environment-feed.js';

const snapshot = (version: number): Snapshot => ({ environment: 'prod', version, flags: [], segments: [] });

/** A subscriber that records the versions of the patches written to it. */
function recorder(): Subscriber & { versions: number[] } {
  const versions: number[] = [];
  return {
    view: 'server',
    versions,
    send: (frame) => versions.push((JSON.parse(frame.toString()) as { version: number }).version),
  };
}

describe('EnvironmentFeed fan-out', () => {
  it('writes a patch to a large audience in slices, yielding the event loop between them', async () => {
    const feed = new EnvironmentFeed(snapshot(1), 16);
    const audience = Array.from({ length: 1_000 }, recorder);
    for (const subscriber of audience) feed.add(subscriber);

    feed.advance(snapshot(2));
    const reachedAtOnce = audience.filter((subscriber) => subscriber.versions.length > 0).length;
    expect(reachedAtOnce).toBeGreaterThan(0);
    expect(reachedAtOnce).toBeLessThan(audience.length);

    await feed.delivered();
    expect(audience.every((subscriber) => subscriber.versions.join() === '2')).toBe(true);
  });

  it('keeps every subscriber’s patches in order when one is published before the last is written', async () => {
    const feed = new EnvironmentFeed(snapshot(1), 16);
    const audience = Array.from({ length: 500 }, recorder);
    for (const subscriber of audience) feed.add(subscriber);

    feed.advance(snapshot(2));
    feed.advance(snapshot(3));
    await feed.delivered();
    expect(new Set(audience.map((subscriber) => subscriber.versions.join()))).toEqual(new Set(['2,3']));
  });

  it('leaves a newcomer out of the patch being written: it catches up from the current view instead', async () => {
    const feed = new EnvironmentFeed(snapshot(1), 16);
    for (const subscriber of Array.from({ length: 500 }, recorder)) feed.add(subscriber);
    feed.advance(snapshot(2));

    const newcomer = recorder();
    expect(feed.catchUp('server', 2)).toEqual([]);
    feed.add(newcomer);
    await feed.delivered();
    expect(newcomer.versions).toEqual([]);
  });
});
