import type { ClientMessage, HelloMessage, PatchMessage, ServerMessage, SnapshotMessage } from '@unveil/core';
import { Backoff } from '../backoff.js';
import type { Clock } from '../clock.js';
import { UnveilError } from '../errors.js';
import { OPEN, type SocketOpener, type WebSocketLike } from './socket.js';

/** Until the server's first heartbeat says otherwise (design.md §5: 15 s). */
export const DEFAULT_HEARTBEAT_MS = 15_000;
/** A socket that has not produced its first frame by then is given up (a black-holed address). */
export const CONNECT_TIMEOUT_MS = 10_000;
/** A connection that stayed synced this long was healthy: the next failure starts from the base delay. */
export const HEALTHY_AFTER_MS = 15_000;
/** Close codes that mean "this key will not do": retrying cannot help. */
const REFUSED = new Set([4401, 4403]);

/** What the stream reports to its owner. */
export interface StreamEvents {
  /** The first frame after open: where the client is, who it is. Read at each connection. */
  hello(): HelloMessage;
  /** A snapshot or patch, in arrival order. Return false on a version gap: the stream then resyncs. */
  message(message: SnapshotMessage | PatchMessage): boolean;
  /** The server says the client is current (its first heartbeat, or a snapshot). */
  synced(): void;
  /** The connection went down or could not be opened; a reconnect is scheduled. */
  lost(error: UnveilError): void;
  /** The server refused the key: the stream has stopped for good. */
  refused(error: UnveilError): void;
  /** Anything else worth reporting (error frames, malformed frames). */
  error(error: UnveilError): void;
}

/** How to reach the server. */
export interface StreamOptions {
  url: string;
  /** Sent as `Authorization: Bearer …`; undefined where the key travels in `url` (browsers). */
  headers: Record<string, string> | undefined;
  open: SocketOpener;
  clock: Clock;
  random: () => number;
}

/**
 * One live connection at a time to `GET /sdk/v1/stream`, kept up: hello on open, ack on demand, a
 * watchdog that gives up on a silent peer after two heartbeat intervals, reconnects with exponential
 * backoff and full jitter (at least the server's goaway hint), resync by reconnecting with the current
 * version. Knows the protocol's framing, not the configuration: the owner applies messages.
 */
export class Stream {
  readonly #backoff: Backoff;
  #socket: WebSocketLike | undefined;
  /** Bumped per connection attempt: callbacks of an older socket are ignored. */
  #generation = 0;
  #timer: unknown;
  #watchdog: unknown;
  #intervalMs = DEFAULT_HEARTBEAT_MS;
  #syncedAt: number | undefined;
  #retryAfterMs = 0;
  #stopped = true;

  constructor(
    private readonly options: StreamOptions,
    private readonly events: StreamEvents,
  ) {
    this.#backoff = new Backoff(options.random);
  }

  /** Whether the current connection is open and caught up. */
  get synced(): boolean {
    return this.#syncedAt !== undefined;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#generation++;
    this.options.clock.clearTimeout(this.#timer);
    this.#close(1000, 'client closed');
  }

  /** Sends a frame if connected; dropped otherwise (a new connection starts with hello). */
  send(message: ClientMessage): void {
    const socket = this.#socket;
    if (socket?.readyState !== OPEN) return;
    try {
      socket.send(JSON.stringify(message));
    } catch {
      // A socket closing under us: its close event follows and reconnects.
    }
  }

  #connect(): void {
    const generation = ++this.#generation;
    this.#syncedAt = undefined;
    this.#retryAfterMs = 0;
    this.#arm(generation, CONNECT_TIMEOUT_MS);
    Promise.resolve()
      .then(() => this.options.open(this.options.url, this.options.headers))
      .then(
        (socket) => {
          if (generation !== this.#generation) return discard(socket, 1000, 'superseded');
          this.#socket = socket;
          socket.onopen = () => this.send(this.events.hello());
          socket.onmessage = (event) => {
            if (generation === this.#generation) this.#receive(generation, event.data);
          };
          socket.onclose = (event) => {
            if (generation !== this.#generation) return;
            const refused = REFUSED.has(event.code);
            const detail = `closed ${event.code}${event.reason ? ` ${event.reason}` : ''}`;
            this.#down(
              new UnveilError(refused ? 'UNVEIL_ERR_SDK_AUTH' : 'UNVEIL_ERR_SDK_STREAM', detail),
              refused,
            );
          };
          // An error is always followed by close, which is where the reconnect happens.
          socket.onerror = () => {};
        },
        (cause) => {
          if (generation === this.#generation)
            this.#down(new UnveilError('UNVEIL_ERR_SDK_STREAM', 'cannot open', { cause }));
        },
      );
  }

  #receive(generation: number, data: unknown): void {
    this.#arm(generation, 2 * this.#intervalMs);
    let message: ServerMessage;
    try {
      message = JSON.parse(String(data)) as ServerMessage;
    } catch {
      this.events.error(new UnveilError('UNVEIL_ERR_SDK_BAD_MESSAGE', 'frame is not JSON'));
      return;
    }
    switch (message?.type) {
      case 'heartbeat':
        if (Number.isFinite(message.intervalMs) && message.intervalMs > 0) {
          this.#intervalMs = message.intervalMs;
          this.#arm(generation, 2 * this.#intervalMs);
        }
        this.#synced();
        break;
      case 'snapshot':
      case 'patch':
        if (!this.events.message(message)) this.#down(undefined);
        else if (message.type === 'snapshot') this.#synced();
        break;
      case 'goaway':
        this.#retryAfterMs = Number.isFinite(message.retryAfterMs) ? Math.max(0, message.retryAfterMs) : 0;
        this.#down(new UnveilError('UNVEIL_ERR_SDK_STREAM', `goaway: ${message.reason}`));
        break;
      case 'error':
        this.events.error(new UnveilError('UNVEIL_ERR_SDK_SERVER', `${message.code}: ${message.message}`));
        break;
      default:
      // A frame type this SDK does not know (a newer server): ignored.
    }
  }

  #synced(): void {
    if (this.#syncedAt !== undefined) return;
    this.#syncedAt = this.options.clock.now();
    this.events.synced();
  }

  /** Resets the watchdog: no frame within `ms` means the connection is dead. */
  #arm(generation: number, ms: number): void {
    const { clock } = this.options;
    clock.clearTimeout(this.#watchdog);
    this.#watchdog = clock.setTimeout(() => {
      if (generation === this.#generation)
        this.#down(new UnveilError('UNVEIL_ERR_SDK_STREAM', `no frame for ${ms} ms`));
    }, ms);
  }

  /**
   * The connection is over: close it and plan the next. `error` undefined means a resync (version gap):
   * the configuration is still good, so nobody is told the stream was lost unless reconnecting fails.
   */
  #down(error: UnveilError | undefined, refused = false): void {
    const { clock } = this.options;
    this.#generation++;
    this.#close(1000, error === undefined ? 'resync' : 'reconnect');
    if (this.#syncedAt !== undefined && clock.now() - this.#syncedAt >= HEALTHY_AFTER_MS)
      this.#backoff.reset();
    this.#syncedAt = undefined;
    if (this.#stopped) return;
    if (refused) {
      this.#stopped = true;
      this.events.refused(error!);
      return;
    }
    if (error !== undefined) this.events.lost(error);
    const delay = this.#backoff.next(this.#retryAfterMs);
    this.#timer = clock.setTimeout(() => {
      if (!this.#stopped) this.#connect();
    }, delay);
  }

  #close(code: number, reason: string): void {
    const { clock } = this.options;
    clock.clearTimeout(this.#watchdog);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) discard(socket, code, reason);
  }
}

/**
 * Closes a socket whose events nobody wants any more. It may still be connecting: `ws` then aborts the
 * handshake and emits `error`, which — with no listener — would be an uncaught exception that ends the
 * process; other runtimes may throw from `close()` instead. Either way the socket is gone.
 */
function discard(socket: WebSocketLike, code: number, reason: string): void {
  socket.onopen = socket.onmessage = socket.onclose = null;
  socket.onerror = () => {};
  try {
    socket.close(code, reason);
  } catch {
    // See above: nothing more to do.
  }
}
