import type { Condition, Flag, Prerequisite, Rule, Segment, Snapshot } from '@unveil/core';

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
  const next = byKey<Flag>(after.flags);
  if (before === undefined) return [...next.keys()];
  const previous = byKey<Flag>(before.flags);
  // A new key-hash salt changes how every target and segment list is read.
  if (before.keyHashSalt !== after.keyHashSalt) return [...keysOfBoth(previous, next)];
  const changed = differing(previous, next, touched?.flags);
  const segments = differing(
    byKey<Segment>(before.segments),
    byKey<Segment>(after.segments),
    touched?.segments,
  );
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

function byKey<T extends { key: string }>(items: unknown): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of list<T | null>(items))
    if (typeof item === 'object' && item !== null && typeof item.key === 'string') map.set(item.key, item);
  return map;
}

function keysOfBoth(a: Map<string, unknown>, b: Map<string, unknown>): Set<string> {
  return new Set([...a.keys(), ...b.keys()]);
}

function differing<T>(
  previous: Map<string, T>,
  next: Map<string, T>,
  candidates?: Iterable<string>,
): Set<string> {
  const changed = new Set<string>();
  for (const key of candidates ?? keysOfBoth(previous, next)) {
    const a = previous.get(key);
    const b = next.get(key);
    if (a === undefined || b === undefined ? a !== b : canonical(a) !== canonical(b)) changed.add(key);
  }
  return changed;
}

function dependsOn(flag: Flag, flags: Set<string>, segments: Set<string>): boolean {
  return (
    list<Prerequisite | undefined>(flag.prerequisites).some((prerequisite) =>
      flags.has(prerequisite?.flag as string),
    ) ||
    (segments.size > 0 &&
      list<Rule | undefined>(flag.rules).some((rule) =>
        list<Condition | undefined>(rule?.conditions).some(
          (condition) =>
            condition?.operator === 'inSegment' &&
            list<unknown>(condition.values).some((value) => segments.has(value as string)),
        ),
      ))
  );
}

function list<T>(items: unknown): readonly T[] {
  return Array.isArray(items) ? items : [];
}

/** JSON with object keys sorted, without the item's own `version` counter. */
function canonical(item: unknown): string {
  const { version: _version, ...rest } = item as { version?: unknown };
  return JSON.stringify(rest, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
