import type { Bus, EnvironmentChanged } from '../../bus/bus.js';
import type { Clock } from '../../clock.js';
import type { SnapshotService } from '../snapshots/snapshot-service.js';
import { ConnectedSdkRegistry } from './connected-sdks.js';
import { DeliveryProof } from './delivery-proof.js';
import { EnvironmentFeed } from './environment-feed.js';
import { VIEW_KINDS, type ViewKind } from './views.js';

export interface DeliveryOptions {
  /** Patches remembered per environment for clients that reconnect with an older version. */
  historySize: number;
}

/** Observes fan-out for metrics; separate so that the service does not know the metrics library. */
export interface FanoutObserver {
  fannedOut(environment: string, subscribers: number, seconds: number): void;
  /** A reload failed (database unreachable?): the feed keeps serving what it has and retries. */
  reloadFailed(environment: string, error: unknown): void;
}

/** How long after a failed reload the next attempt starts. */
const RELOAD_RETRY_MS = 1_000;

/**
 * Keeps every environment that has SDKs in memory, compiled and serialized, and moves it forward when
 * the bus says it changed. Reloads of one environment never overlap: changes that arrive during a reload
 * are folded into one more reload, so a burst of writes costs a few reads, not one per write.
 */
export class DeliveryService {
  readonly proof = new DeliveryProof();
  readonly sdks = new ConnectedSdkRegistry();
  readonly #feeds = new Map<string, Promise<EnvironmentFeed>>();
  /** The feeds that have finished loading, for synchronous readers such as metrics. */
  readonly #loaded = new Map<string, EnvironmentFeed>();
  readonly #reloading = new Map<string, { again: boolean; done: Promise<void> }>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly options: DeliveryOptions,
    private readonly observer?: FanoutObserver,
  ) {}

  start(): void {
    this.#unsubscribe.push(
      this.bus.subscribe((change) => this.#changed(change)),
      this.bus.onResync(() => {
        for (const environment of this.#feeds.keys()) void this.reload(environment);
      }),
    );
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  /** The environment's feed, loading it on first use. Rejects for an unknown environment. */
  feed(environment: string): Promise<EnvironmentFeed> {
    let feed = this.#feeds.get(environment);
    if (feed === undefined) {
      feed = this.snapshots.getSnapshot(environment).then((snapshot) => {
        const loaded = new EnvironmentFeed(snapshot, this.options.historySize);
        this.#loaded.set(environment, loaded);
        return loaded;
      });
      this.#feeds.set(environment, feed);
      feed.catch(() => this.#feeds.delete(environment));
    }
    return feed;
  }

  /** Reads the environment again and sends what changed; resolves once this instance is up to date. */
  reload(environment: string): Promise<void> {
    const running = this.#reloading.get(environment);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = (async () => {
      try {
        do {
          state.again = false;
          await this.#advance(environment);
        } while (state.again);
      } catch (error) {
        this.observer?.reloadFailed(environment, error);
        setTimeout(() => void this.reload(environment), RELOAD_RETRY_MS).unref();
      } finally {
        this.#reloading.delete(environment);
      }
    })();
    this.#reloading.set(environment, state);
    return state.done;
  }

  /** Connected subscribers per environment and view, on this instance. */
  connections(): { environment: string; view: ViewKind; count: number }[] {
    return [...this.#loaded.values()].flatMap((feed) =>
      VIEW_KINDS.map((view) => ({ environment: feed.environment, view, count: feed.subscribers(view).size })),
    );
  }

  #changed({ environment, version }: EnvironmentChanged): void {
    const feed = this.#feeds.get(environment);
    if (feed === undefined) return; // nobody here listens to it; it loads fresh when someone does
    void feed.then((current) => {
      if (version > current.version) void this.reload(environment);
    });
  }

  async #advance(environment: string): Promise<void> {
    const feed = await this.feed(environment);
    const snapshot = await this.snapshots.getSnapshot(environment);
    const started = performance.now();
    if (!feed.advance(snapshot)) return;
    // Before any ack can be read: the first acks come in the next turn of the event loop at the earliest.
    this.proof.sent(environment, snapshot.version, this.clock.now().getTime(), feed.subscriberCount);
    await feed.delivered();
    this.observer?.fannedOut(environment, feed.subscriberCount, (performance.now() - started) / 1000);
  }
}
