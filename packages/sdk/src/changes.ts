import type { Flag, Segment, Snapshot } from '@unveil/core';

/** Which flags and segments a patch touched; without it every flag and segment is compared. */
export interface Touched {
  flags: Iterable<string>;
  segments: Iterable<string>;
}

/**
 * The keys of the flags whose served configuration differs between two snapshots: flags added, removed or
 * changed, and flags that depend on a changed segment (`inSegment`) or, transitively, on a changed
 * prerequisite flag. A flag whose only difference is its `version` counter did not change. Before any
 * snapshot every flag counts as changed (it goes from "the caller's default" to a value).
 */
export function changedFlags(before: Snapshot | undefined, after: Snapshot, touched?: Touched): string[] {
  const next = byKey(after.flags);
  if (before === undefined) return [...next.keys()];
  const previous = byKey(before.flags);
  // A new key-hash salt changes how every target and segment list is read.
  if (before.keyHashSalt !== after.keyHashSalt) return [...new Set([...previous.keys(), ...next.keys()])];
  const changed = differing(previous, next, touched?.flags);
  const segments = differing(byKey(before.segments), byKey(after.segments), touched?.segments);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [key, flag] of next) {
      if (!changed.has(key) && dependsOn(flag, changed, segments)) {
        changed.add(key);
        grew = true;
      }
    }
  }
  return [...changed];
}

function byKey<T extends Flag | Segment>(items: readonly T[] | undefined): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of Array.isArray(items) ? items : []) {
    if (item !== null && typeof item === 'object' && typeof item.key === 'string') map.set(item.key, item);
  }
  return map;
}

function differing<T extends { key: string }>(
  previous: Map<string, T>,
  next: Map<string, T>,
  candidates: Iterable<string> = new Set([...previous.keys(), ...next.keys()]),
): Set<string> {
  const changed = new Set<string>();
  for (const key of candidates) {
    const a = previous.get(key);
    const b = next.get(key);
    if (a === undefined || b === undefined ? a !== b : canonical(a) !== canonical(b)) changed.add(key);
  }
  return changed;
}

function dependsOn(flag: Flag, flags: Set<string>, segments: Set<string>): boolean {
  for (const prerequisite of list(flag.prerequisites)) if (flags.has(prerequisite?.flag)) return true;
  if (segments.size === 0) return false;
  for (const rule of list(flag.rules))
    for (const condition of list(rule?.conditions))
      if (condition?.operator === 'inSegment')
        for (const value of list(condition.values)) if (segments.has(value as string)) return true;
  return false;
}

function list<T>(items: readonly T[] | undefined): readonly T[] {
  return Array.isArray(items) ? items : [];
}

/** JSON with object keys sorted, without the item's own `version` counter. */
function canonical(item: object): string {
  const { version: _version, ...rest } = item as { version?: unknown };
  return JSON.stringify(rest, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
