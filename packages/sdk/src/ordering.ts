import type { PatchMessage, Snapshot } from '@unveil/core';
import { changedFlags } from './changes.js';
import { patchedSnapshot } from './core.js';

/**
 * Where a message takes a client that has `have` (undefined: nothing yet):
 * - `applied`: on to `snapshot` at `version`; `changed` lists the flags whose served config changed.
 * - `current`: the client already is at this message's version (a duplicate, or a snapshot confirming it).
 * - `older`: the message is older than what the client has (a lagging server): ignored.
 * - `gap`: a patch that does not start at the client's version: the client must resync.
 * - `invalid`: not a well-formed snapshot or patch: ignored.
 */
export type Ordered =
  | { kind: 'applied'; version: number; snapshot: Snapshot; changed: string[] }
  | { kind: 'current' | 'older' | 'gap' | 'invalid'; version: number | undefined };

/**
 * The configuration moves only forward, one version at a time: a snapshot replaces it only when newer
 * (or, at the same version, when its content differs: the server is the authority), a patch applies
 * only on top of exactly its `previousVersion`. Pure; never throws on wire input.
 */
export function order(have: Snapshot | undefined, message: Snapshot | PatchMessage): Ordered {
  return (message as { type?: unknown } | null)?.type === 'patch'
    ? orderPatch(have, message as PatchMessage)
    : orderSnapshot(have, message as Snapshot);
}

function orderSnapshot(have: Snapshot | undefined, message: Snapshot): Ordered {
  if (!isSnapshot(message)) return { kind: 'invalid', version: undefined };
  const { type: _type, ...next } = message as Snapshot & { type?: string };
  if (have !== undefined && next.version < have.version) return { kind: 'older', version: next.version };
  const changed = changedFlags(have, next);
  if (have?.version === next.version && changed.length === 0)
    return { kind: 'current', version: next.version };
  return { kind: 'applied', version: next.version, snapshot: next, changed };
}

function orderPatch(have: Snapshot | undefined, message: PatchMessage): Ordered {
  const patch = normalizePatch(message);
  if (patch === undefined) return { kind: 'invalid', version: undefined };
  const { version } = patch;
  if (have === undefined || (version > have.version && patch.previousVersion !== have.version))
    return { kind: 'gap', version };
  if (version <= have.version) return { kind: version === have.version ? 'current' : 'older', version };
  const next = patchedSnapshot(have, patch);
  const changed = changedFlags(have, next, {
    flags: [...patch.flags.map((flag) => flag.key), ...patch.removedFlags],
    segments: [...patch.segments.map((segment) => segment.key), ...patch.removedSegments],
  });
  return { kind: 'applied', version, snapshot: next, changed };
}

/** Enough shape to order and compile: the compiler itself tolerates anything inside the arrays. */
export function isSnapshot(value: unknown): value is Snapshot {
  const snapshot = value as Partial<Snapshot> | null;
  return (
    typeof snapshot === 'object' &&
    snapshot !== null &&
    isVersion(snapshot.version) &&
    Array.isArray(snapshot.flags) &&
    Array.isArray(snapshot.segments)
  );
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** A patch with every list present and every item keyed, or undefined when it cannot be ordered. */
function normalizePatch(value: PatchMessage): PatchMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!isVersion(value.version) || !isVersion(value.previousVersion)) return undefined;
  const items = (list: unknown): unknown[] => (Array.isArray(list) ? list : []);
  const keyed = <T>(list: unknown) =>
    items(list).filter(
      (item) =>
        typeof item === 'object' && item !== null && typeof (item as T & { key: unknown }).key === 'string',
    ) as T[];
  const keys = (list: unknown) => items(list).filter((key) => typeof key === 'string') as string[];
  return {
    ...value,
    flags: keyed(value.flags),
    segments: keyed(value.segments),
    removedFlags: keys(value.removedFlags),
    removedSegments: keys(value.removedSegments),
  };
}
