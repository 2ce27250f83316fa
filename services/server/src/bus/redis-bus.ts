import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Bus, ChangeListener, EnvironmentChanged } from './bus.js';

const changeMessage = z.object({ environment: z.string().min(1).max(200), version: z.int().min(0) });

/**
 * Delay before each reconnect attempt while Redis is away: 50 ms, 100 ms, … then every 250 ms. ioredis's
 * default grows to 2 s, which after an outage of a minute made an instance notice Redis's return up to
 * 2 s late, before its reload even started: instances must serve the latest version within 2 s.
 */
const reconnectDelay = (attempt: number) => Math.min(attempt * 50, 250);

export interface RedisBusOptions {
  /** Pub/sub channel; instances of one deployment must share it. */
  channel?: string;
  /** Told about messages that are not changes (another program on the channel) and connection errors. */
  onProblem?: (problem: string, error?: unknown) => void;
}

/**
 * The bus between several server instances: Redis pub/sub. A change is delivered to this instance's own
 * listeners at once, whatever Redis's state, and published for the others. Pub/sub keeps nothing for a
 * subscriber that is away, so after every reconnect the bus asks its listeners to resync from the
 * database: an instance never keeps serving what it missed while Redis was gone.
 */
export class RedisBus implements Bus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #listeners = new Set<ChangeListener>();
  readonly #resyncListeners = new Set<() => void>();
  readonly #onProblem: NonNullable<RedisBusOptions['onProblem']>;

  private constructor(url: string, options: RedisBusOptions) {
    this.#channel = options.channel ?? 'unveil:changes';
    this.#onProblem = options.onProblem ?? (() => {});
    // Publishing must not queue behind an outage: a failed publish is reported, and the reload after the
    // reconnect makes up for it on the other instances.
    this.#publisher = new Redis(url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: reconnectDelay,
    });
    this.#subscriber = new Redis(url, { lazyConnect: true, retryStrategy: reconnectDelay });
    for (const client of [this.#publisher, this.#subscriber]) {
      client.on('error', (error: unknown) => this.#onProblem('redis connection error', error));
    }
    this.#subscriber.on('message', (_channel: string, text: string) => this.#receive(text));
  }

  /** Connects both clients and subscribes; rejects if Redis cannot be reached now. */
  static async connect(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
    const bus = new RedisBus(url, options);
    await Promise.all([bus.#publisher.connect(), bus.#subscriber.connect()]);
    await bus.#subscriber.subscribe(bus.#channel);
    // Registered only now, so that the first connection is not mistaken for a reconnect.
    bus.#subscriber.on('ready', () => {
      for (const listener of bus.#resyncListeners) listener();
    });
    return bus;
  }

  async publish(change: EnvironmentChanged): Promise<void> {
    this.#deliver(change);
    try {
      await this.#publisher.publish(this.#channel, JSON.stringify(change));
    } catch (error) {
      this.#onProblem('publish failed; other instances catch up when Redis is back', error);
    }
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.#resyncListeners.add(listener);
    return () => this.#resyncListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#resyncListeners.clear();
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }

  #receive(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const change = changeMessage.safeParse(parsed);
    if (change.success) this.#deliver(change.data);
    else this.#onProblem(`ignored a message that is not a change: ${text.slice(0, 200)}`);
  }

  /** Our own changes come back from Redis too; delivering twice is harmless (older versions are ignored). */
  #deliver(change: EnvironmentChanged): void {
    for (const listener of this.#listeners) listener(change);
  }
}
