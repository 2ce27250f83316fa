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

/**
 * Sockets written to per turn of the event loop. A patch to thousands of sockets written in one go held
 * the loop for tens of milliseconds, and a write transaction waiting on that loop for its next statement
 * held the environment's lock as long: at 50 writes a second and 1,000 SDKs on one instance, admin writes
 * queued behind each other (PUT p50 152 ms). In slices, database answers and requests get their turn
 * between them. With 1,000 SDKs on three instances at 50 writes/s, delivery p99 was 153 ms with slices of
 * 64 sockets, 130 with 16, 113 with 4 and 121 with 1 (`SCALE_CLIENTS=1000 SCALE_SECONDS=30 pnpm
 * bench:scale`, one run each): a slice of 4 costs ~0.1 ms of loop time.
 */
const SOCKETS_PER_SLICE = 4;

/** One frame still to be written to the subscribers that were there when it was published. */
interface Delivery {
  readonly frame: Buffer;
  readonly subscribers: readonly Subscriber[];
  next: number;
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
  /** Frames being written, oldest first: a socket gets patches in the order they were published. */
  readonly #deliveries: Delivery[] = [];
  readonly #whenDelivered: (() => void)[] = [];

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
   * subscriber of that view — the first slice at once, the rest in later turns of the event loop (a
   * subscriber that joins meanwhile catches up from the views, which are already current). Returns false
   * (and does nothing) for a snapshot that is not newer.
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
    const idle = this.#deliveries.length === 0;
    for (const kind of VIEW_KINDS)
      this.#deliveries.push({ frame: frames[kind], subscribers: [...this.#subscribers[kind]], next: 0 });
    if (idle) this.#deliverSlice();
    return true;
  }

  /**
   * Resolves once every published patch has been written to its subscribers. The reload loop waits for
   * it, so that changes arriving meanwhile fold into one next patch rather than queueing a patch each.
   */
  delivered(): Promise<void> {
    if (this.#deliveries.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#whenDelivered.push(resolve));
  }

  #deliverSlice(): void {
    let budget = SOCKETS_PER_SLICE;
    while (budget > 0 && this.#deliveries.length > 0) {
      const delivery = this.#deliveries[0]!;
      const end = Math.min(delivery.subscribers.length, delivery.next + budget);
      for (; delivery.next < end; delivery.next++, budget--)
        delivery.subscribers[delivery.next]!.send(delivery.frame);
      if (delivery.next === delivery.subscribers.length) this.#deliveries.shift();
    }
    if (this.#deliveries.length > 0) setImmediate(() => this.#deliverSlice());
    else for (const resolve of this.#whenDelivered.splice(0)) resolve();
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
