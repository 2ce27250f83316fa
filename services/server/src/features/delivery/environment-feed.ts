import type { Snapshot, SnapshotMessage } from '@unveil/core';
import { diffSnapshots } from './snapshot-diff.js';
import { clientView, VIEW_KINDS, type ViewKind } from './views.js';

/** One connected SDK, as the feed sees it: where to write, and which view it reads. */
export interface Subscriber {
  readonly view: ViewKind;
  /** Writes one frame; the transport decides what to do with a peer that does not keep up. */
  send(frame: Buffer): void;
}

/** What one audience (server or client keys) sees at one version, serialized once for every socket. */
export interface PublishedView {
  readonly snapshot: Snapshot;
  /** The `snapshot` stream frame, byte for byte also the body of GET /sdk/v1/config. */
  readonly snapshotFrame: Buffer;
  readonly etag: string;
}

interface PatchRecord {
  readonly previousVersion: number;
  readonly version: number;
  readonly frames: Record<ViewKind, Buffer>;
}

/**
 * The live state of one environment on this instance: its current views, the recent patches (so that a
 * client reconnecting with an older version gets exactly what it missed), and its subscribers. Every
 * frame is serialized once and the same bytes go to every socket.
 */
export class EnvironmentFeed {
  readonly environment: string;
  #views: Record<ViewKind, PublishedView>;
  readonly #history: PatchRecord[] = [];
  readonly #historySize: number;
  readonly #subscribers: Record<ViewKind, Set<Subscriber>> = { server: new Set(), client: new Set() };

  constructor(snapshot: Snapshot, historySize: number) {
    this.environment = snapshot.environment ?? '';
    this.#historySize = historySize;
    this.#views = publishViews(snapshot);
  }

  get version(): number {
    return this.#views.server.snapshot.version;
  }

  view(kind: ViewKind): PublishedView {
    return this.#views[kind];
  }

  subscribers(kind: ViewKind): ReadonlySet<Subscriber> {
    return this.#subscribers[kind];
  }

  get subscriberCount(): number {
    return this.#subscribers.server.size + this.#subscribers.client.size;
  }

  add(subscriber: Subscriber): () => void {
    this.#subscribers[subscriber.view].add(subscriber);
    return () => this.#subscribers[subscriber.view].delete(subscriber);
  }

  /**
   * Moves to a newer snapshot: one patch per view, serialized once, remembered, and written to every
   * subscriber of that view. Returns false (and does nothing) for a snapshot that is not newer.
   */
  advance(next: Snapshot): boolean {
    if (next.version <= this.version) return false;
    const views = publishViews(next);
    const frames = {} as Record<ViewKind, Buffer>;
    for (const kind of VIEW_KINDS) {
      frames[kind] = frame(diffSnapshots(this.#views[kind].snapshot, views[kind].snapshot));
    }
    this.#history.push({ previousVersion: this.version, version: next.version, frames });
    if (this.#history.length > this.#historySize) this.#history.shift();
    this.#views = views;
    for (const kind of VIEW_KINDS)
      for (const subscriber of this.#subscribers[kind]) subscriber.send(frames[kind]);
    return true;
  }

  /**
   * What a client at `version` needs to be current: the patches since, in order; or the snapshot when
   * that version is unknown here (too old, from another instance's coalescing, or from the future).
   */
  catchUp(kind: ViewKind, version: number | undefined): Buffer[] {
    if (version === this.version) return [];
    const start = this.#history.findIndex((record) => record.previousVersion === version);
    if (version === undefined || start < 0) return [this.#views[kind].snapshotFrame];
    return this.#history.slice(start).map((record) => record.frames[kind]);
  }
}

function publishViews(snapshot: Snapshot): Record<ViewKind, PublishedView> {
  return { server: publishView(snapshot, 'server'), client: publishView(clientView(snapshot), 'client') };
}

function publishView(snapshot: Snapshot, kind: ViewKind): PublishedView {
  const message: SnapshotMessage = { type: 'snapshot', ...snapshot };
  return {
    snapshot,
    snapshotFrame: frame(message),
    etag: `"${snapshot.environment}-${snapshot.version}-${kind}"`,
  };
}

function frame(message: object): Buffer {
  return Buffer.from(JSON.stringify(message));
}
