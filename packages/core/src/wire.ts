import type { Flag, Segment, Snapshot } from './model.js';

/**
 * The delivery protocol of design.md §5, as JSON frames on `GET /sdk/v1/stream`. Every server frame
 * carries `type`; versions are the environment's version.
 */
export type ServerMessage = SnapshotMessage | PatchMessage | HeartbeatMessage | GoawayMessage | ErrorMessage;

/** The whole configuration at `version`: sent first, and whenever the missing patches are gone. */
export interface SnapshotMessage extends Snapshot {
  type: 'snapshot';
}

/** What changed from `previousVersion` to `version`; a client on any other version must resync. */
export interface PatchMessage {
  type: 'patch';
  environment?: string;
  version: number;
  previousVersion: number;
  /** Flags and segments added or changed, whole. */
  flags: Flag[];
  segments: Segment[];
  removedFlags: string[];
  removedSegments: string[];
}

/** Sent every `intervalMs` while nothing else is: a client that hears nothing for 2 intervals reconnects. */
export interface HeartbeatMessage {
  type: 'heartbeat';
  /** Server time, epoch milliseconds. */
  at: number;
  intervalMs: number;
}

/** The server is going away: reconnect after about `retryAfterMs` (plus jitter), to any instance. */
export interface GoawayMessage {
  type: 'goaway';
  retryAfterMs: number;
  reason: string;
}

export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
}

export type ClientMessage = HelloMessage | AckMessage;

/** First frame from an SDK: where it is, and what it is, so the server can resume and count versions. */
export interface HelloMessage {
  type: 'hello';
  /** The environment version the SDK already has, if any. */
  version?: number;
  sdk: { name: string; version: string };
  app?: { version?: string; build?: string };
}

/** Delivery proof: the SDK has applied this version. */
export interface AckMessage {
  type: 'ack';
  version: number;
}

/** Why a patch cannot be applied to a snapshot. */
export class VersionGapError extends Error {
  override readonly name = 'VersionGapError';
  constructor(
    readonly have: number,
    readonly patchFrom: number,
  ) {
    super(`patch from version ${patchFrom} cannot apply to version ${have}: resync`);
  }
}

/** The snapshot a patch leads to. Throws VersionGapError when the patch does not start at this version. */
export function applyPatch(snapshot: Snapshot, patch: PatchMessage): Snapshot {
  if (patch.previousVersion !== snapshot.version)
    throw new VersionGapError(snapshot.version, patch.previousVersion);
  return patchedSnapshot(snapshot, patch);
}

/** `applyPatch` for a caller that has checked the versions itself: the patch's changes, no check. */
export function patchedSnapshot(snapshot: Snapshot, patch: PatchMessage): Snapshot {
  return {
    ...snapshot,
    version: patch.version,
    flags: replaceByKey(snapshot.flags, patch.flags, patch.removedFlags),
    segments: replaceByKey(snapshot.segments, patch.segments, patch.removedSegments),
  };
}

function replaceByKey<T extends { key: string }>(
  current: readonly T[],
  changed: readonly T[],
  removed: readonly string[],
): T[] {
  const byKey = new Map(current.map((item) => [item.key, item]));
  for (const key of removed) byKey.delete(key);
  for (const item of changed) byKey.set(item.key, item);
  return [...byKey.values()];
}

/**
 * `POST /sdk/v1/events`: what an SDK observed since its last flush. Exposures are counted in the SDK
 * (one entry per flag and variant); tracked events are sent one by one with the context key, so the
 * server can tell — by bucketing, which is deterministic — whether that context was exposed to a release.
 */
export interface EventsBatch {
  sdk: { name: string; version: string };
  app?: { version?: string; build?: string };
  /** The window the counts cover, epoch milliseconds. */
  from: number;
  to: number;
  exposures: ExposureCount[];
  tracked: TrackedEvent[];
  /** Events the SDK dropped since its last flush because its buffer was full. */
  dropped?: number;
}

export interface ExposureCount {
  flag: string;
  variant: string;
  count: number;
}

export interface TrackedEvent {
  event: string;
  /** The context's targeting key, if it had one. */
  key?: string;
  value?: number;
  /** Epoch milliseconds. */
  at: number;
}
