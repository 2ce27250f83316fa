import type { ClientMessage, HelloMessage, PatchMessage, ServerMessage, SnapshotMessage } from '@unveil/core';
import { backoffDelay } from '../backoff.js';
import type { Clock } from '../clock.js';
import { UnveilError } from '../errors.js';
import { OPEN, type SocketOpener, type WebSocketLike } from './socket.js';

/** Until the server's first heartbeat says otherwise (design.md §5: 15 s). */
export const DEFAULT_HEARTBEAT_MS = 15_000;
/** A socket that has not produced its first frame by then is given up (a black-holed address). */
export const CONNECT_TIMEOUT_MS = 10_000;
/** A connection that stayed synced this long was healthy: the next failure starts from the base delay. */
export const HEALTHY_AFTER_MS = 15_000;

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

export interface Stream {
  start(): void;
  stop(): void;
  /** Sends a frame if connected; dropped otherwise (a new connection starts with hello). */
  send(message: ClientMessage): void;
}

/**
 * One live connection at a time to `GET /sdk/v1/stream`, kept up: hello on open, ack on demand, a
 * watchdog that gives up on a silent peer after two heartbeat intervals, reconnects with exponential
 * backoff and full jitter (at least the server's goaway hint), resync by reconnecting with the current
 * version. Knows the protocol's framing, not the configuration: the owner applies messages.
 */
export function createStream(options: StreamOptions, events: StreamEvents): Stream {
  const { clock } = options;
  let socket: WebSocketLike | undefined;
  /** Bumped per connection attempt and at each end of one: callbacks of an older socket are ignored. */
  let generation = 0;
  let timer: unknown;
  let watchdog: unknown;
  let intervalMs = DEFAULT_HEARTBEAT_MS;
  let syncedAt: number | undefined;
  let retryAfterMs = 0;
  let attempt = 0;
  let stopped = true;

  const streamError = (detail: string, cause?: unknown) =>
    new UnveilError('UNVEIL_ERR_SDK_STREAM', detail, cause === undefined ? undefined : { cause });

  const send = (message: ClientMessage) => {
    try {
      if (socket?.readyState === OPEN) socket.send(JSON.stringify(message));
    } catch {
      // A socket closing under us: its close event follows and reconnects.
    }
  };

  /** Resets the watchdog: no frame within `ms` means the connection is dead. */
  const arm = (current: number, ms: number) => {
    clock.clearTimeout(watchdog);
    watchdog = clock.setTimeout(() => {
      if (current === generation) down(streamError(`no frame for ${ms} ms`));
    }, ms);
  };

  const synced = () => {
    if (syncedAt !== undefined) return;
    syncedAt = clock.now();
    events.synced();
  };

  const close = (reason: string) => {
    clock.clearTimeout(watchdog);
    if (socket !== undefined) discard(socket, reason);
    socket = undefined;
  };

  /**
   * The connection is over: close it and plan the next. `error` undefined means a resync (version gap):
   * the configuration is still good, so nobody is told the stream was lost unless reconnecting fails.
   */
  const down = (error: UnveilError | undefined, refused = false) => {
    generation++;
    close(error === undefined ? 'resync' : 'reconnect');
    if (syncedAt !== undefined && clock.now() - syncedAt >= HEALTHY_AFTER_MS) attempt = 0;
    syncedAt = undefined;
    if (stopped) return;
    if (refused) {
      stopped = true;
      events.refused(error!);
      return;
    }
    if (error !== undefined) events.lost(error);
    timer = clock.setTimeout(
      () => {
        if (!stopped) connect();
      },
      backoffDelay(attempt++, options.random, retryAfterMs),
    );
  };

  const receive = (current: number, data: unknown) => {
    arm(current, 2 * intervalMs);
    let message: ServerMessage;
    try {
      message = JSON.parse(String(data)) as ServerMessage;
    } catch {
      events.error(new UnveilError('UNVEIL_ERR_SDK_BAD_MESSAGE', 'frame is not JSON'));
      return;
    }
    switch (message?.type) {
      case 'heartbeat':
        if (Number.isFinite(message.intervalMs) && message.intervalMs > 0) {
          intervalMs = message.intervalMs;
          arm(current, 2 * intervalMs);
        }
        synced();
        break;
      case 'snapshot':
      case 'patch':
        if (!events.message(message)) down(undefined);
        else if (message.type === 'snapshot') synced();
        break;
      case 'goaway':
        retryAfterMs = Number.isFinite(message.retryAfterMs) ? Math.max(0, message.retryAfterMs) : 0;
        down(streamError(`goaway: ${message.reason}`));
        break;
      case 'error':
        events.error(new UnveilError('UNVEIL_ERR_SDK_SERVER', `${message.code}: ${message.message}`));
      // Any other type (a newer server's): ignored.
    }
  };

  const connect = () => {
    const current = ++generation;
    syncedAt = undefined;
    retryAfterMs = 0;
    arm(current, CONNECT_TIMEOUT_MS);
    Promise.resolve()
      .then(() => options.open(options.url, options.headers))
      .then(
        (opened) => {
          if (current !== generation) return discard(opened, 'superseded');
          socket = opened;
          opened.onopen = () => send(events.hello());
          opened.onmessage = (event) => {
            if (current === generation) receive(current, event.data);
          };
          opened.onclose = ({ code, reason }) => {
            if (current !== generation) return;
            // Close codes 4401 and 4403 mean "this key will not do": retrying cannot help.
            const refused = code === 4401 || code === 4403;
            const detail = `closed ${code}${reason ? ` ${reason}` : ''}`;
            down(refused ? new UnveilError('UNVEIL_ERR_SDK_AUTH', detail) : streamError(detail), refused);
          };
          // An error is always followed by close, which is where the reconnect happens.
          opened.onerror = () => {};
        },
        (cause) => {
          if (current === generation) down(streamError('cannot open', cause));
        },
      );
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      connect();
    },
    stop() {
      stopped = true;
      generation++;
      clock.clearTimeout(timer);
      close('client closed');
    },
    send,
  };
}

/**
 * Closes a socket whose events nobody wants any more. It may still be connecting: `ws` then aborts the
 * handshake and emits `error`, which — with no listener — would be an uncaught exception that ends the
 * process; other runtimes may throw from `close()` instead. Either way the socket is gone.
 */
function discard(socket: WebSocketLike, reason: string): void {
  socket.onopen = socket.onmessage = socket.onclose = null;
  socket.onerror = () => {};
  try {
    socket.close(1000, reason);
  } catch {
    // See above: nothing more to do.
  }
}
