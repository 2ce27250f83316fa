import type { SnapshotMessage } from '@unveil/core';
import { isSnapshot } from '../ordering.js';

/**
 * Where the last good snapshot is kept between runs, so a client that starts while the server is
 * unreachable still serves the last configuration it saw instead of every caller's default.
 * Either method may be synchronous or asynchronous, and may throw: the client reports and carries on.
 */
export interface SnapshotCache {
  /** The saved snapshot, or undefined if there is none (or it is unreadable). */
  load(): SnapshotMessage | undefined | Promise<SnapshotMessage | undefined>;
  save(snapshot: SnapshotMessage): void | Promise<void>;
}

/** Parses what a cache stored; anything that is not a snapshot reads as "nothing cached". */
export function parseSnapshot(text: string | null | undefined): SnapshotMessage | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isSnapshot(value) ? { ...value, type: 'snapshot' } : undefined;
  } catch {
    return undefined;
  }
}

/** The storage key for one SDK key and server: a key prefix tells environments apart without storing it. */
export function cacheKey(sdkKey: string, url: string): string {
  return `unveil:${sdkKey.slice(0, 16)}:${url}`;
}
