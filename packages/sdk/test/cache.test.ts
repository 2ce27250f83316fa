import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileCache } from '../src/cache/file.js';
import { localStorageCache } from '../src/cache/local-storage.js';
import { cacheKey, parseSnapshot, type SnapshotCache } from '../src/cache/snapshot-cache.js';
import { createClient } from '../src/node.js';
import { flag, snapshot } from './helpers.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'unveil-sdk-cache-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('file cache', () => {
  it('round-trips a snapshot through a file, creating its directory, leaving no temporary file', async () => {
    const path = join(directory, 'nested', 'flags.json');
    const cache = fileCache(path);
    expect(await cache.load()).toBeUndefined();
    const saved = snapshot(7, [flag('a'), flag('b', {}, 'json')]);
    await cache.save(saved);
    expect(await cache.load()).toEqual(saved);
    await cache.save(snapshot(8, [flag('c')]));
    expect((await cache.load())?.version).toBe(8);
    expect(await readdir(join(directory, 'nested'))).toEqual(['flags.json']);
  });

  it('concurrent saves each write a whole file (temp + rename)', async () => {
    const path = join(directory, 'flags.json');
    const cache = fileCache(path);
    await Promise.all(
      Array.from({ length: 20 }, (_, version) => cache.save(snapshot(version, [flag(`f${version}`)]))),
    );
    const loaded = await cache.load();
    expect(loaded?.flags[0]?.key).toBe(`f${loaded?.version}`);
    expect(await readdir(directory)).toEqual(['flags.json']);
  });

  it('reads a corrupt or foreign file as nothing cached', async () => {
    const path = join(directory, 'flags.json');
    for (const text of ['{not json', '[]', '{"version":"3","flags":[],"segments":[]}', '']) {
      await writeFile(path, text);
      expect(await fileCache(path).load()).toBeUndefined();
    }
  });

  it('the Node client saves what it receives and starts from the file when the server is unreachable', async () => {
    const path = join(directory, 'flags.json');
    const first = createClient({
      url: 'http://unused.invalid',
      sdkKey: 'unv_srv_test',
      bootstrap: snapshot(4, [flag('cached', { fallthrough: { variant: 'off' } })]),
      cache: path,
      offline: true,
    });
    await first.close();
    expect(JSON.parse(await readFile(path, 'utf8')).version).toBe(4);

    const second = createClient({
      url: 'http://unused.invalid',
      sdkKey: 'unv_srv_test',
      cache: path,
      offline: true,
    });
    expect(await second.ready({ timeoutMs: 1_000 })).toBe('ready');
    expect(second.version).toBe(4);
    expect(second.getDetail('cached', true)).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'FALLTHROUGH',
    });
    await second.close();
  });

  it('a bootstrap newer than the cache wins; an older one does not replace it', async () => {
    const path = join(directory, 'flags.json');
    await fileCache(path).save(snapshot(10, [flag('from-cache')]));
    const older = createClient({
      url: 'http://unused.invalid',
      sdkKey: 'unv_srv_test',
      bootstrap: snapshot(3, [flag('from-bootstrap')]),
      cache: path,
      offline: true,
    });
    await vi.waitFor(() => expect(older.version).toBe(10));
    expect(older.isEnabled('from-cache')).toBe(true);
    await older.close();
    // And the cache still holds the newer snapshot: the bootstrap did not overwrite it.
    expect((await fileCache(path).load())?.version).toBe(10);
  });
});

describe('localStorage cache', () => {
  it('round-trips through a Storage, under a key per SDK key prefix and URL', async () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (key: string) => map.get(key) ?? null,
      setItem: (key: string, value: string) => void map.set(key, value),
    };
    const key = cacheKey('unv_cli_0123456789abcdef', 'https://flags.example.com');
    expect(key).toBe('unveil:unv_cli_01234567:https://flags.example.com');
    const cache: SnapshotCache = localStorageCache(key, storage);
    expect(await cache.load()).toBeUndefined();
    await cache.save(snapshot(2, [flag('a')]));
    expect([...map.keys()]).toEqual([key]);
    expect(await cache.load()).toEqual(snapshot(2, [flag('a')]));
  });

  it('keeps nothing, and does not throw, without a storage', () => {
    const cache = localStorageCache('k');
    expect(cache.load()).toBeUndefined();
    expect(() => cache.save(snapshot(1, []))).not.toThrow();
  });

  it('parses only snapshots', () => {
    expect(parseSnapshot(null)).toBeUndefined();
    expect(parseSnapshot('{"version":1,"flags":[],"segments":[]}')).toEqual(snapshot(1, []));
  });
});
