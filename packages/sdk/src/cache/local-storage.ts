import type { SnapshotCache } from './snapshot-cache.js';
import { parseSnapshot } from './snapshot-cache.js';

/** The part of the Web Storage API the cache uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Keeps the snapshot in `localStorage` (browsers) under `key`. With no storage (private modes, workers,
 * server-side rendering) it keeps nothing.
 */
export function localStorageCache(key: string, storage?: StorageLike): SnapshotCache {
  const store = (): StorageLike | undefined => {
    if (storage !== undefined) return storage;
    try {
      // Reading `localStorage` itself throws in some sandboxed iframes.
      return (globalThis as { localStorage?: StorageLike }).localStorage;
    } catch {
      return undefined;
    }
  };
  return {
    load: () => parseSnapshot(store()?.getItem(key)),
    save: (snapshot) => store()?.setItem(key, JSON.stringify(snapshot)),
  };
}
