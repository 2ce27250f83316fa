import type {
  CompiledFlag,
  CompiledSnapshot,
  EvaluationContext,
  EvaluationResult,
  FlagType,
  JsonValue,
  PatchMessage,
  Snapshot,
  SnapshotMessage,
} from '@unveil/core';
import type { SnapshotCache } from './cache/snapshot-cache.js';
import { cacheKey } from './cache/snapshot-cache.js';
import { type Clock, systemClock } from './clock.js';
import { asContext, RESULT_TAG, typedDetail } from './core.js';
import { createEmitter, type Emitter } from './emitter.js';
import { UnveilError } from './errors.js';
import { type BatchHeader, EventBuffer, type ExposureCounter } from './events.js';
import { compileWithFamilies } from './operator-families.js';
import { type Ordered, order } from './ordering.js';
import { type FetchLike, fetchConfig, postEvents, streamUrl } from './transport/http.js';
import { createPoller, type Poller } from './transport/poller.js';
import { openWith, type SocketOpener, type WebSocketConstructor } from './transport/socket.js';
import { createStream, type Stream } from './transport/stream.js';
import { SDK_NAME, SDK_VERSION } from './version.js';

/** The application's own version and build, reported in `hello` and in event batches. */
export interface AppInfo {
  version?: string;
  build?: string;
}

/** Options of `createClient`. Only `url` and `sdkKey` are required. */
export interface ClientOptions {
  /** The Unveil server, e.g. `https://flags.example.com` (the SDK appends `/sdk/v1/…`). */
  url: string;
  /** A server key (`unv_srv_…`, back ends only) or a client key (`unv_cli_…`, browsers). */
  sdkKey: string;
  /** The default evaluation context, used when a call passes none. Change it with `setContext`. */
  context?: EvaluationContext;
  /** A snapshot to start from (e.g. rendered by the server for this page): ready at once. */
  bootstrap?: SnapshotMessage | Snapshot;
  /**
   * Where the last good snapshot is kept: a file path (Node), a localStorage key (browsers; by default
   * one derived from the key and URL), your own {@link SnapshotCache}, or `false` for none. Node keeps
   * nothing unless given a path.
   */
  cache?: false | string | SnapshotCache;
  /** Reported in `hello` and in event batches. */
  app?: AppInfo;
  /** Receives every error the SDK reports (same as `on('error')`). */
  onError?: (error: UnveilError) => void;
  /** Keep a live stream (default true). False: poll `GET /sdk/v1/config` every `pollIntervalMs`. */
  streaming?: boolean;
  /** No network at all: serve `bootstrap` / the cache only, count events without sending them. */
  offline?: boolean;
  /** Polling period when streaming is off or the stream cannot be opened. Default 30 s. */
  pollIntervalMs?: number;
  /** How often buffered events are sent. Default 10 s. */
  flushIntervalMs?: number;
  /** Tracked events kept between flushes; more are dropped and counted. Default 1,000. */
  maxBufferedEvents?: number;
  /** Default timeout of `ready()`. Default 5 s. */
  readyTimeoutMs?: number;
  /** WebSocket class to use instead of the runtime's (tests, custom agents). */
  WebSocket?: WebSocketConstructor;
  /** `fetch` to use instead of the global one. */
  fetch?: FetchLike;
  /** Time and timers (tests). */
  clock?: Clock;
  /** Uniform random numbers in [0, 1) for backoff jitter (tests). */
  random?: () => number;
}

/**
 * - `initializing`: not ready yet; evaluations serve a cached configuration if one was loaded, else the
 *   caller's defaults with `CLIENT_NOT_READY`.
 * - `ready`: a configuration is loaded and the live source (stream, or polling when streaming is off)
 *   is current.
 * - `stale`: a configuration is loaded but the live source is down (values may be out of date; while
 *   the stream is down the client polls).
 * - `closed`: `close()` was called.
 */
export type ClientState = 'initializing' | 'ready' | 'stale' | 'closed';

/** Events of {@link UnveilClient.on}, with their listeners' arguments. */
export interface ClientEvents {
  /** Once, when `ready()` resolves with a configuration. */
  ready: [];
  /** The live source was lost (values may go out of date). */
  stale: [];
  /** The live source is back and caught up. */
  reconnected: [];
  error: [error: UnveilError];
  /** Flags whose served configuration changed (added, removed, edited, or a dependency edited). */
  change: [changedFlagKeys: string[]];
}

/** What differs between the Node and the browser builds. */
export interface Runtime {
  /** Browsers cannot set WebSocket headers: the (client) key goes in the URL instead. */
  keyInQuery: boolean;
  /** How to open sockets here; undefined if this runtime has no WebSocket. */
  socket(): SocketOpener | undefined;
  /** The cache for `options.cache` (a string or undefined); `key` is the default storage key. */
  cache(option: string | undefined, key: string): SnapshotCache | undefined;
}

/** What `getValue` / `getDetail` return for a default of type `T`: the default's type, widened. */
export type ValueOf<T> = T extends boolean
  ? boolean
  : T extends string
    ? string
    : T extends number
      ? number
      : T;

type Source = 'stream' | 'poll' | 'cache' | 'bootstrap';

/** A result compiled by this client: it carries the counter of its flag and variant. */
type Counted = { [RESULT_TAG]: ExposureCounter };

/** Client events and, under `flag:<key>`, each flag's changes: one listener registry for both. */
type Listeners = Record<string, unknown[]>;

const CLOSE_FLUSH_TIMEOUT_MS = 2_000;

/**
 * The Unveil client: keeps an environment's configuration current (stream, polling fallback, cache,
 * bootstrap) and evaluates flags locally. Evaluation never throws and never waits for the network.
 * Create it with `createClient`.
 */
export class UnveilClient {
  readonly #options: ClientOptions;
  readonly #emitter: Emitter<Listeners>;
  readonly #events: EventBuffer;
  readonly #clock: Clock;
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #header: BatchHeader;
  readonly #fetch: FetchLike | undefined;
  readonly #cache: SnapshotCache | undefined;
  readonly #stream: Stream | undefined;
  readonly #poller: Poller | undefined;
  /** The newest configuration in version order: what the next message is ordered against. */
  #accepted: Snapshot | undefined;
  /** The configuration evaluations use, compiled. Behind `#accepted` only while operators load. */
  #installed: { snapshot: Snapshot; flags: ReadonlyMap<string, CompiledFlag> } | undefined;
  /** Installs waiting for operator families to load, chained so that versions install in order. */
  #installing: Promise<void> | undefined;
  #context: EvaluationContext | undefined;
  #state: ClientState = 'initializing';
  /** `ready()` has resolved (or would resolve at once). */
  #ready = false;
  /** The live source has delivered at least once. */
  #live = false;
  /** The live source is failing. */
  #lost = false;
  #refused = false;
  #closed = false;
  #waiters: (() => void)[] = [];
  #flushTimer: unknown;
  #flushing: Promise<void> | undefined;
  /** A cache read or write is under way; true from the start, since the constructor reads the cache. */
  #saving = true;
  #saveAgain = false;
  /** Settles when the cache is idle: close() waits for it so the last snapshot is kept. */
  #persisted: Promise<void> = Promise.resolve();
  readonly #warned = new Set<string>();

  /** Prefer `createClient`, which supplies the runtime of your platform. */
  constructor(options: ClientOptions, runtime: Runtime) {
    if (typeof options?.url !== 'string' || typeof options.sdkKey !== 'string')
      throw new TypeError('createClient: `url` and `sdkKey` are required strings');
    this.#options = options;
    const { sdkKey, app, onError, cache } = options;
    const clock = options.clock ?? systemClock;
    const base = options.url.replace(/\/+$/, '');
    const headers = { authorization: `Bearer ${sdkKey}` };
    this.#clock = clock;
    this.#base = base;
    this.#headers = headers;
    const sdk = { name: SDK_NAME, version: SDK_VERSION };
    this.#header = app === undefined ? { sdk } : { sdk, app };
    this.#context = options.context;
    this.#emitter = createEmitter((cause, name) => this.#listenerThrew(cause, name === 'error'));
    if (onError !== undefined) this.#emitter.on('error', onError as (...args: unknown[]) => void);
    this.#events = new EventBuffer(positive(options.maxBufferedEvents, 1_000), clock.now());
    const fetcher = options.fetch ?? (typeof fetch === 'function' ? fetch.bind(globalThis) : undefined);
    this.#fetch = fetcher;
    this.#cache =
      cache === false
        ? undefined
        : typeof cache === 'object'
          ? cache
          : runtime.cache(cache, cacheKey(sdkKey, base));

    if (options.bootstrap !== undefined) this.#apply(options.bootstrap, 'bootstrap');

    const online = options.offline !== true;
    if (online && fetcher !== undefined) {
      this.#poller = createPoller({
        clock,
        intervalMs: positive(options.pollIntervalMs, 30_000),
        load: (etag) => fetchConfig(fetcher, base, headers, etag),
        snapshot: (snapshot) => this.#apply(snapshot, 'poll'),
        settled: (error) => this.#polled(error),
      });
    }
    let open = options.WebSocket === undefined ? runtime.socket() : openWith(options.WebSocket);
    if (online && options.streaming !== false && open !== undefined && runtime.keyInQuery) {
      if (!sdkKey.startsWith('unv_cli_')) {
        // Only client keys are public by design; anything else in a URL would end up in logs.
        this.#report(new UnveilError('UNVEIL_ERR_SDK_KEY_IN_URL', 'polling instead'));
        open = undefined;
      }
    }
    if (online && options.streaming !== false && open !== undefined) {
      this.#stream = createStream(
        {
          url: streamUrl(base, runtime.keyInQuery ? sdkKey : undefined),
          headers: runtime.keyInQuery ? undefined : headers,
          open,
          clock,
          random: options.random ?? Math.random,
        },
        {
          hello: () => ({
            type: 'hello',
            ...(this.#accepted === undefined ? {} : { version: this.#accepted.version }),
            ...this.#header,
          }),
          message: (message) => this.#apply(message, 'stream').kind !== 'gap',
          synced: () => this.#streamSynced(),
          lost: (error) => this.#streamLost(error),
          refused: (error) => this.#refuse(error),
          error: (error) => this.#report(error),
        },
      );
    }

    // Load the cache before connecting, so that hello carries its version and the server sends only
    // the patches since; a cache that fails reads as empty. No write starts before the read is done
    // (a bootstrap must not overwrite a newer cached snapshot before it is read).
    this.#persisted = Promise.resolve()
      .then(() => this.#cache?.load())
      .catch((cause: unknown) => {
        this.#report(new UnveilError('UNVEIL_ERR_SDK_CACHE', 'load', { cause }));
        return undefined;
      })
      .then((cached) => {
        this.#saving = false;
        if (cached !== undefined) this.#apply(cached, 'cache');
        if (this.#saveAgain) {
          this.#saveAgain = false;
          this.#persist();
        }
        if (this.#closed) return;
        if (this.#stream !== undefined) this.#stream.start();
        else this.#poller?.start(true);
        this.#refresh();
      });
    if (online && fetcher !== undefined) this.#scheduleFlush();
  }

  /** Where the client stands; see {@link ClientState}. */
  get state(): ClientState {
    return this.#state;
  }

  /** The version of the configuration in use, undefined before any. */
  get version(): number | undefined {
    return this.#installed?.snapshot.version;
  }

  /** The configuration in use, as a snapshot message (e.g. to bootstrap a browser client from SSR). */
  get snapshot(): SnapshotMessage | undefined {
    const installed = this.#installed;
    return installed === undefined ? undefined : { ...installed.snapshot, type: 'snapshot' };
  }

  /** The default evaluation context. */
  get context(): EvaluationContext | undefined {
    return this.#context;
  }

  /** Replaces the default evaluation context (e.g. after sign-in). */
  setContext(context: EvaluationContext | undefined): void {
    this.#context = context;
  }

  /**
   * Resolves once a configuration is loaded from the stream, the config endpoint, the cache (when the
   * server is unreachable) or `bootstrap`, or after `timeoutMs` (default `readyTimeoutMs`, 5 s) — never
   * rejects. The value is the state then: `initializing` after a timeout means "still not ready"
   * (evaluations serve defaults with `CLIENT_NOT_READY`), `stale` means served from the cache.
   */
  ready(options?: { timeoutMs?: number }): Promise<ClientState> {
    if (this.#ready || this.#closed) return Promise.resolve(this.#state);
    const timeoutMs = positive(options?.timeoutMs, positive(this.#options.readyTimeoutMs, 5_000));
    return new Promise((resolve) => {
      const done = () => {
        this.#clock.clearTimeout(timer);
        resolve(this.#state);
      };
      const timer = this.#clock.setTimeout(done, timeoutMs);
      this.#waiters.push(done);
    });
  }

  /** Whether a boolean flag is on for the context; false when unknown, not boolean, or not ready. */
  isEnabled(flagKey: string, context?: EvaluationContext): boolean {
    return this.getDetail(flagKey, false, context).value;
  }

  /**
   * The flag's value for the context, typed by the default: a boolean, string or number default reads a
   * flag of that type, any other JSON default a `json` flag. The default is returned when the flag is
   * missing, of another type, broken, or the client is not ready.
   */
  getValue<T extends JsonValue>(flagKey: string, defaultValue: T, context?: EvaluationContext): ValueOf<T> {
    return this.getDetail(flagKey, defaultValue, context).value;
  }

  /**
   * Like `getValue`, with why: `variant`, `reason`, `ruleId`, and `errorCode` (`FLAG_NOT_FOUND`,
   * `TYPE_MISMATCH`, `MALFORMED_FLAG`, `CLIENT_NOT_READY`, `GENERAL`) when the default was served.
   * Counts an exposure when a variant was served.
   */
  getDetail<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context?: EvaluationContext,
  ): EvaluationResult<ValueOf<T>> {
    const value = defaultValue as ValueOf<T>;
    try {
      const flags = this.#installed?.flags;
      if (flags === undefined) return failed(value, 'CLIENT_NOT_READY');
      const key = String(flagKey);
      const result = typedDetail(
        flags.get(key),
        flagTypeOf(defaultValue),
        value,
        context === undefined ? this.#context : context,
      );
      // Every result that serves a variant carries its exposure counter (see #apply).
      if (result.reason !== 'ERROR') this.#events.served((result as unknown as Counted)[RESULT_TAG]);
      return result;
    } catch {
      // The evaluator does not throw; this is for what callers may pass (a context whose getters throw).
      return failed(value, 'GENERAL');
    }
  }

  /** Every flag's full result for the context (no exposures are counted); `{}` before any configuration. */
  all(context?: EvaluationContext): Record<string, EvaluationResult<JsonValue | undefined>> {
    const results: Record<string, EvaluationResult<JsonValue | undefined>> = {};
    try {
      const target = asContext(context === undefined ? this.#context : context);
      for (const [key, flag] of this.#installed?.flags ?? []) results[key] = flag.evaluate(target);
    } catch {
      // As in getDetail: only a hostile context gets here; return what was evaluated.
    }
    return results;
  }

  /**
   * Records a custom event (a conversion, an error, a latency) with the context's key, sent with the next
   * batch. Bounded by `maxBufferedEvents`: beyond it, events are dropped and counted.
   */
  track(event: string, value?: number, context?: EvaluationContext): void {
    try {
      if (typeof event !== 'string' || event === '') {
        this.#report(new UnveilError('UNVEIL_ERR_SDK_ARGUMENT', 'track: event must be a non-empty string'));
        return;
      }
      const key = (context === undefined ? this.#context : context)?.key;
      this.#events.track({
        event,
        ...(typeof key === 'string' ? { key } : {}),
        ...(typeof value === 'number' && Number.isFinite(value) ? { value } : {}),
        at: this.#clock.now(),
      });
    } catch {
      // Never let analytics break the caller.
    }
  }

  /** Subscribes to a client event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents & string>(
    event: K,
    listener: (...args: ClientEvents[K]) => void,
  ): () => void {
    return this.#emitter.on(event, listener as (...args: unknown[]) => void);
  }

  /** Calls `listener(flagKey)` whenever that flag's served configuration changes; returns the unsubscribe. */
  onFlag(flagKey: string, listener: (flagKey: string) => void): () => void {
    return this.#emitter.on(`flag:${flagKey}`, listener as (...args: unknown[]) => void);
  }

  /** Sends the buffered events now. Never rejects; a failed batch is kept for the next attempt. */
  flush(): Promise<void> {
    if (this.#flushing !== undefined) return this.#flushing;
    const fetcher = this.#fetch;
    if (fetcher === undefined || this.#options.offline === true || this.#refused) return Promise.resolve();
    const batch = this.#events.take(this.#header, this.#clock.now());
    if (batch === undefined) return Promise.resolve();
    this.#flushing = postEvents(fetcher, this.#base, this.#headers, batch)
      .catch((cause: unknown) => {
        this.#events.restore(batch);
        this.#report(
          cause instanceof UnveilError
            ? cause
            : new UnveilError('UNVEIL_ERR_SDK_EVENTS', undefined, { cause }),
        );
      })
      .finally(() => {
        this.#flushing = undefined;
      });
    return this.#flushing;
  }

  /**
   * Stops the stream, polling and timers, then sends the buffered events (best effort, at most 2 s).
   * Evaluation keeps working on the last configuration.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream?.stop();
    this.#poller?.stop();
    this.#clock.clearTimeout(this.#flushTimer);
    this.#refresh();
    let timer: unknown;
    await Promise.race([
      Promise.all([this.flush(), this.#cacheIdle()]),
      new Promise<void>((resolve) => {
        timer = this.#clock.setTimeout(resolve, CLOSE_FLUSH_TIMEOUT_MS);
      }),
    ]);
    this.#clock.clearTimeout(timer);
    this.#emitter.clear();
  }

  /**
   * Orders a snapshot or patch from any source against the accepted configuration, and installs what it
   * leads to. Installing is synchronous unless the configuration needs an operator family that is not
   * loaded yet; then this and later versions install, in order, once it is (evaluations meanwhile use
   * the previous configuration: none ever sees a half-compiled one).
   */
  #apply(message: SnapshotMessage | Snapshot | PatchMessage, source: Source): Ordered {
    const outcome = order(this.#accepted, message);
    if (outcome.kind === 'invalid') {
      this.#report(new UnveilError('UNVEIL_ERR_SDK_BAD_MESSAGE', `from ${source}`));
    } else if (outcome.kind === 'applied') {
      this.#accepted = outcome.snapshot;
      this.#afterInstalls(() => {
        const compiled = compileWithFamilies(
          outcome.snapshot,
          (flag, variant) => this.#events.counter(flag, variant),
          (cause) => this.#report(new UnveilError('UNVEIL_ERR_SDK_LOAD', undefined, { cause })),
        );
        return compiled instanceof Promise
          ? compiled.then((loaded) => this.#install(outcome, loaded, source))
          : this.#install(outcome, compiled, source);
      });
    } else if (outcome.kind === 'current' && source === 'stream') {
      // Delivery proof: the client has this version (or will, once what is queued is installed).
      this.#afterInstalls(() => this.#stream?.send({ type: 'ack', version: outcome.version! }));
    }
    return outcome;
  }

  /** Runs `step` now when nothing waits to be installed, else after what does. */
  #afterInstalls(step: () => void | Promise<void>): void {
    const pending = this.#installing;
    const done = pending === undefined ? step() : pending.then(step);
    if (done === undefined) return;
    const settled = () => {
      if (this.#installing === tail) this.#installing = undefined;
    };
    const tail: Promise<void> = done.then(settled, settled);
    this.#installing = tail;
  }

  #install(outcome: Ordered & { kind: 'applied' }, compiled: CompiledSnapshot, source: Source): void {
    this.#installed = { snapshot: outcome.snapshot, flags: compiled.flags };
    if (source === 'stream') this.#stream?.send({ type: 'ack', version: outcome.version });
    if (source !== 'cache') this.#persist();
    if (source === 'bootstrap') this.#live = true;
    this.#refresh();
    if (outcome.changed.length === 0) return;
    this.#emitter.emit('change', outcome.changed);
    for (const key of outcome.changed) this.#emitter.emit(`flag:${key}`, key);
  }

  #streamSynced(): void {
    this.#poller?.stop();
    this.#live = true;
    this.#lost = false;
    this.#refresh();
  }

  #streamLost(error: UnveilError): void {
    this.#report(error);
    this.#lost = true;
    // Poll while the stream is down: at once if there is nothing to serve yet, else after an interval,
    // so that a fleet losing one server instance does not stampede the config endpoint.
    this.#poller?.start(this.#installed === undefined);
    this.#refresh();
  }

  #polled(error: UnveilError | undefined): void {
    if (error?.code === 'UNVEIL_ERR_SDK_AUTH') {
      this.#refuse(error);
      return;
    }
    if (error !== undefined) this.#report(error);
    if (this.#stream === undefined) {
      this.#lost = error !== undefined;
      if (error === undefined) this.#live = true;
    }
    this.#refresh();
  }

  /** The server refused the key: no point in retrying anything with it. */
  #refuse(error: UnveilError): void {
    this.#refused = true;
    this.#lost = true;
    this.#stream?.stop();
    this.#poller?.stop();
    this.#clock.clearTimeout(this.#flushTimer);
    this.#report(error);
    this.#refresh();
  }

  /** Recomputes the state, emitting what changed, and resolves `ready()` once there is something to serve. */
  #refresh(): void {
    const previous = this.#state;
    // With only a cached configuration, wait for the server unless it is known to be unreachable.
    if (this.#installed !== undefined && (this.#live || this.#lost || this.#options.offline === true))
      this.#ready = true;
    const next: ClientState = this.#closed
      ? 'closed'
      : !this.#ready
        ? 'initializing'
        : this.#lost
          ? 'stale'
          : 'ready';
    this.#state = next;
    if (this.#ready && previous === 'initializing' && next !== 'closed') this.#emitter.emit('ready');
    if (next === 'stale' && previous !== 'stale') this.#emitter.emit('stale');
    if (next === 'ready' && previous === 'stale') this.#emitter.emit('reconnected');
    if (this.#ready || this.#closed) for (const done of this.#waiters.splice(0)) done();
  }

  #persist(): void {
    const cache = this.#cache;
    const snapshot = this.snapshot;
    if (cache === undefined || snapshot === undefined) return;
    // One write at a time; changes that arrive meanwhile are folded into one more write of the latest.
    if (this.#saving) {
      this.#saveAgain = true;
      return;
    }
    this.#saving = true;
    this.#persisted = Promise.resolve()
      .then(() => cache.save(snapshot))
      .catch((cause: unknown) => this.#report(new UnveilError('UNVEIL_ERR_SDK_CACHE', 'save', { cause })))
      .finally(() => {
        this.#saving = false;
        if (this.#saveAgain) {
          this.#saveAgain = false;
          this.#persist();
        }
      });
  }

  async #cacheIdle(): Promise<void> {
    while (this.#saving) await this.#persisted;
  }

  #scheduleFlush(): void {
    this.#flushTimer = this.#clock.setTimeout(
      () => {
        if (this.#closed || this.#refused) return;
        void this.flush();
        this.#scheduleFlush();
      },
      positive(this.#options.flushIntervalMs, 10_000),
    );
  }

  #report(error: UnveilError): void {
    if (this.#emitter.has('error')) this.#emitter.emit('error', error);
    else this.#warnOnce(error);
  }

  /** Nobody listens: say it once per kind, so a wrong key does not fail silently nor flood the console. */
  #warnOnce(error: UnveilError, cause?: unknown): void {
    if (this.#warned.has(error.code)) return;
    this.#warned.add(error.code);
    globalThis.console?.warn?.(`[unveil] ${error.message}`, ...(cause === undefined ? [] : [cause]));
  }

  #listenerThrew(cause: unknown, inErrorListener: boolean): void {
    const error = new UnveilError('UNVEIL_ERR_SDK_LISTENER', undefined, { cause });
    // An 'error' listener that throws would be handed its own error again: the console gets it instead.
    if (inErrorListener) this.#warnOnce(error, cause);
    else this.#report(error);
  }
}

/** The flag type a default asks for: boolean, string and number for themselves, anything else json. */
function flagTypeOf(defaultValue: unknown): FlagType {
  const type = typeof defaultValue;
  return type === 'boolean' || type === 'string' || type === 'number' ? type : 'json';
}

/** The caller's default, with why. */
function failed<T>(value: T, errorCode: 'CLIENT_NOT_READY' | 'GENERAL'): EvaluationResult<T> {
  return { value, variant: undefined, reason: 'ERROR', ruleId: undefined, errorCode };
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
