import type { PatchMessage, Snapshot } from '@unveil/core';

interface Keyed {
  key: string;
  version?: number;
}

/**
 * The patch that turns `before` into `after`. Flags and segments carry versions that grow with every
 * change, so comparing versions finds what changed without comparing whole documents; an item without a
 * version is compared by content.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): PatchMessage {
  const flags = changed(before.flags, after.flags);
  const segments = changed(before.segments, after.segments);
  return {
    type: 'patch',
    ...(after.environment === undefined ? {} : { environment: after.environment }),
    version: after.version,
    previousVersion: before.version,
    flags: flags.changed,
    segments: segments.changed,
    removedFlags: flags.removed,
    removedSegments: segments.removed,
  };
}

function changed<T extends Keyed>(
  before: readonly T[],
  after: readonly T[],
): { changed: T[]; removed: string[] } {
  const previous = new Map(before.map((item) => [item.key, item]));
  const result: T[] = [];
  for (const item of after) {
    const old = previous.get(item.key);
    previous.delete(item.key);
    if (old === undefined || !sameItem(old, item)) result.push(item);
  }
  return { changed: result, removed: [...previous.keys()] };
}

function sameItem(a: Keyed, b: Keyed): boolean {
  if (a.version !== undefined && b.version !== undefined) return a.version === b.version;
  return JSON.stringify(a) === JSON.stringify(b);
}
