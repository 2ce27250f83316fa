import { describe, expect, it } from 'vitest';
import { TtlCache } from '../src/ttl-cache.js';
import { ManualClock } from './support/manual-clock.js';

const never = () => new Promise<string>(() => {});

function setUp() {
  const clock = new ManualClock();
  const cache = new TtlCache<string>(clock, 1_000, 100, 20);
  let loads = 0;
  const load = (value: string) => async () => {
    loads++;
    return value;
  };
  return { clock, cache, load, loads: () => loads };
}

describe('TtlCache', () => {
  it('answers from memory within the TTL, and shares one reload between concurrent callers', async () => {
    const { clock, cache, load, loads } = setUp();
    expect(await cache.get('k', load('a'))).toBe('a');
    expect(await cache.get('k', load('b'))).toBe('a');
    clock.advance(1_000);
    expect(await Promise.all([cache.get('k', load('c')), cache.get('k', load('d'))])).toEqual(['c', 'c']);
    expect(loads()).toBe(2);
  });

  it('serves the expired answer when a reload fails or does not answer in time (a partition)', async () => {
    const { clock, cache, load } = setUp();
    await cache.get('k', load('a'));
    clock.advance(1_000);
    expect(await cache.get('k', () => Promise.reject(new Error('database away')))).toBe('a');
    const started = performance.now();
    expect(await cache.get('k', never)).toBe('a');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('throws when there is nothing to fall back on', async () => {
    const { cache } = setUp();
    await expect(cache.get('k', () => Promise.reject(new Error('database away')))).rejects.toThrow(
      'database away',
    );
  });

  it('does not keep what a reload read before clear()', async () => {
    const { cache, load } = setUp();
    let release: (value: string) => void = () => {};
    const slow = cache.get('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.clear();
    release('before the write');
    expect(await slow).toBe('before the write');
    expect(await cache.get('k', load('after the write'))).toBe('after the write');
  });
});
