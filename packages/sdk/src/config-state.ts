import {
  applyPatch,
  compileSnapshot,
  type Evaluator,
  type PatchMessage,
  type Snapshot,
  type SnapshotMessage,
} from '@unveil/core';
import { changedFlags } from './changes.js';

/**
 * What applying a message did:
 * - `applied`: the configuration moved to `version`; `changed` lists the flags whose served config changed.
 * - `current`: the client already is at this message's version (a duplicate, or a snapshot confirming it).
 * - `older`: the message is older than what the client has (a lagging server): ignored.
 * - `gap`: a patch that does not start at the client's version: the client must resync.
 * - `invalid`: not a well-formed snapshot or patch: ignored.
 */
export type ApplyOutcome =
  | { kind: 'applied'; version: number; changed: string[] }
  | { kind: 'current' | 'older' | 'gap' | 'invalid'; version: number | undefined };

/**
 * The client's configuration: the last snapshot and its compiled evaluator. Moves only forward, one
 * version at a time: a snapshot replaces it only when newer, a patch applies only on top of exactly its
 * `previousVersion`. Compiles once per applied message.
 */
export class ConfigState {
  #snapshot: Snapshot | undefined;
  #evaluator: Evaluator | undefined;

  /** The current snapshot (as a snapshot message, so it can be cached and served as a bootstrap). */
  get snapshot(): SnapshotMessage | undefined {
    return this.#snapshot === undefined ? undefined : { ...this.#snapshot, type: 'snapshot' };
  }

  get evaluator(): Evaluator | undefined {
    return this.#evaluator;
  }

  get version(): number | undefined {
    return this.#snapshot?.version;
  }

  applySnapshot(message: Snapshot): ApplyOutcome {
    if (!isSnapshot(message)) return { kind: 'invalid', version: undefined };
    const { type: _type, ...next } = message as Snapshot & { type?: string };
    const have = this.version;
    if (have !== undefined && next.version < have) return { kind: 'older', version: next.version };
    if (have === next.version) {
      // Same version: normally the same content. If a server's content differs anyway (an environment
      // that was recreated), the server is the authority.
      const changed = changedFlags(this.#snapshot, next);
      if (changed.length === 0) return { kind: 'current', version: have };
      return this.#set(next, changed);
    }
    return this.#set(next, changedFlags(this.#snapshot, next));
  }

  applyPatch(message: PatchMessage): ApplyOutcome {
    const patch = normalizePatch(message);
    if (patch === undefined) return { kind: 'invalid', version: undefined };
    const current = this.#snapshot;
    if (current === undefined) return { kind: 'gap', version: patch.version };
    if (patch.version <= current.version) {
      return { kind: patch.version === current.version ? 'current' : 'older', version: patch.version };
    }
    if (patch.previousVersion !== current.version) return { kind: 'gap', version: patch.version };
    const next = applyPatch(current, patch);
    return this.#set(
      next,
      changedFlags(current, next, {
        flags: [...patch.flags.map((flag) => flag.key), ...patch.removedFlags],
        segments: [...patch.segments.map((segment) => segment.key), ...patch.removedSegments],
      }),
    );
  }

  #set(next: Snapshot, changed: string[]): ApplyOutcome {
    this.#snapshot = next;
    this.#evaluator = compileSnapshot(next);
    return { kind: 'applied', version: next.version, changed };
  }
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Enough shape to order and compile: the evaluator itself tolerates anything inside the arrays. */
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

/** A patch with every list present and every item keyed, or undefined when it cannot be ordered. */
function normalizePatch(value: PatchMessage): PatchMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!isVersion(value.version) || !isVersion(value.previousVersion)) return undefined;
  const keyed = <T>(items: unknown): T[] =>
    (Array.isArray(items) ? items : []).filter(
      (item) => typeof item === 'object' && item !== null && typeof item.key === 'string',
    );
  const keys = (items: unknown): string[] =>
    (Array.isArray(items) ? items : []).filter((key) => typeof key === 'string');
  return {
    ...value,
    flags: keyed(value.flags),
    segments: keyed(value.segments),
    removedFlags: keys(value.removedFlags),
    removedSegments: keys(value.removedSegments),
  };
}
