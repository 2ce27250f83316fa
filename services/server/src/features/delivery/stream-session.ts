import type { ServerMessage } from '@unveil/core';
import type { WebSocket } from 'ws';
import type { SdkIdentity } from './connected-sdks.js';
import type { DeliveryService } from './delivery-service.js';
import type { Subscriber } from './environment-feed.js';
import type { SdkAuthFailure, SdkAuthResult, SdkPrincipal } from './sdk-key-auth.js';
import { CLOSE, type ClientFrame, clientFrame } from './sdk-schemas.js';

export interface StreamLimits {
  /** A client whose unsent data would pass this many bytes is cut off. */
  maxBufferedBytes: number;
  helloTimeoutMs: number;
  heartbeatMs: number;
}

/** Counts what the stream drops, for metrics. */
export interface StreamObserver {
  dropped(reason: 'slow' | 'bad-frame' | 'dead'): void;
  acknowledged(environment: string, latencyMs: number): void;
}

/**
 * One SDK connection: authenticate, wait for hello, send what the client misses, then forward patches
 * and record acknowledgements. A misbehaving peer (garbage, no hello, not reading) is closed with a
 * code that says why, and only that peer is affected.
 */
export class StreamSession implements Subscriber {
  #principal: SdkPrincipal | undefined;
  #helloTimer: NodeJS.Timeout | undefined;
  #helloReceived = false;
  /** Set once the catch-up after hello has been sent: only then do heartbeats mean "you are current". */
  #synced = false;
  /** Undo functions for what this session joined (the feed, the SDK registry). */
  #leave: (() => void)[] = [];
  #pending: Buffer[] = [];
  /** The highest version this session acknowledged: a repeated ack is not another SDK applying it. */
  #lastAck = -1;
  #closed = false;
  /** Cleared by each heartbeat tick; a pong sets it again. A peer that stays silent a whole tick is dead. */
  alive = true;

  constructor(
    private readonly socket: WebSocket,
    private readonly delivery: DeliveryService,
    private readonly limits: StreamLimits,
    private readonly observer: StreamObserver,
    private readonly now: () => number,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => this.#receive(data, isBinary));
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('close', () => this.#dispose());
    socket.on('error', () => this.#dispose());
  }

  get view(): SdkPrincipal['view'] {
    return this.#principal?.view ?? 'client';
  }

  get environment(): string | undefined {
    return this.#principal?.environment;
  }

  /**
   * Called once the key is checked, and again periodically while the connection lasts: frames that
   * arrived meanwhile are handled now, in order; a key revoked since is refused like an unknown one.
   */
  authenticated(result: SdkAuthResult): void {
    if (this.#closed) return;
    if (!result.ok) {
      this.#fail(
        CLOSE_ON_AUTH_FAILURE[result.failure],
        'UNVEIL_ERR_AUTH_INVALID',
        describeFailure(result.failure),
      );
      return;
    }
    if (this.#principal !== undefined) return; // a later check of a key still valid: nothing to do
    this.#principal = result.principal;
    this.#helloTimer = setTimeout(
      () => this.#fail(CLOSE.helloTimeout, 'UNVEIL_ERR_STREAM_NO_HELLO', 'send hello first'),
      this.limits.helloTimeoutMs,
    );
    this.#helloTimer.unref();
    for (const data of this.#pending.splice(0)) this.#handle(data);
  }

  /** The key could not be checked (database unreachable): the client should retry later. */
  unavailable(): void {
    this.#fail(CLOSE.unavailable, 'UNVEIL_ERR_STREAM_UNAVAILABLE', 'cannot check the key now; retry later');
  }

  send(frame: Buffer): void {
    if (this.#closed) return;
    if (this.socket.bufferedAmount + frame.length > this.limits.maxBufferedBytes) {
      this.observer.dropped('slow');
      this.#closed = true;
      this.socket.close(CLOSE.tooSlow, 'not reading: buffer limit reached');
      // A peer that does not read will not read the close frame either.
      setTimeout(() => this.socket.terminate(), 1_000).unref();
      this.#dispose();
      return;
    }
    this.socket.send(frame, { binary: false });
  }

  /** Says goodbye before a shutdown: clients reconnect (to any instance) after about `retryAfterMs`. */
  goAway(retryAfterMs: number, reason: string): void {
    if (this.#closed) return;
    this.#message({ type: 'goaway', retryAfterMs, reason });
    this.socket.close(CLOSE.goingAway, reason);
    this.#dispose();
  }

  /** One heartbeat tick: a peer that answered no ping since the last tick is gone. */
  heartbeat(frame: Buffer): void {
    if (this.#closed) return;
    if (!this.alive) {
      this.observer.dropped('dead');
      this.socket.terminate();
      this.#dispose();
      return;
    }
    this.alive = false;
    this.socket.ping();
    if (this.#synced) this.send(frame);
  }

  #receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) this.#badFrame('frames are JSON text');
    else if (this.#principal === undefined) {
      // Before the key is checked a client has no reason to send more than its hello (and an ack).
      if (this.#pending.length >= MAX_FRAMES_BEFORE_AUTH)
        this.#badFrame('too many frames before authentication');
      else this.#pending.push(data);
    } else this.#handle(data);
  }

  #handle(data: Buffer): void {
    const parsed = parseFrame(data);
    if (typeof parsed === 'string') this.#badFrame(parsed);
    else if (parsed.type === 'hello') void this.#hello(parsed);
    else this.#ack(parsed.version);
  }

  async #hello(hello: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    const principal = this.#principal!;
    if (this.#helloReceived) return this.#badFrame('hello was already sent');
    this.#helloReceived = true;
    clearTimeout(this.#helloTimer);
    let feed: Awaited<ReturnType<DeliveryService['feed']>>;
    try {
      feed = await this.delivery.feed(principal.environment);
    } catch {
      return this.#fail(CLOSE.unavailable, 'UNVEIL_ERR_STREAM_UNAVAILABLE', 'environment cannot be loaded');
    }
    if (this.#closed) return;
    const identity: SdkIdentity = {
      sdk: hello.sdk.name,
      sdkVersion: hello.sdk.version,
      ...(hello.app?.version === undefined ? {} : { appVersion: hello.app.version }),
      ...(hello.app?.build === undefined ? {} : { appBuild: hello.app.build }),
    };
    // Catch up and subscribe in one synchronous step, so no patch can fall between the two.
    for (const frame of feed.catchUp(principal.view, hello.version)) this.send(frame);
    this.#leave.push(feed.add(this), this.delivery.sdks.connect(principal.environment, identity));
    // The first heartbeat tells the client it is current (and how often to expect the next).
    this.#message({ type: 'heartbeat', at: this.now(), intervalMs: this.limits.heartbeatMs });
    this.#synced = true;
  }

  #ack(version: number): void {
    const environment = this.#principal?.environment;
    if (environment === undefined || version <= this.#lastAck) return;
    this.#lastAck = version;
    const latency = this.delivery.proof.applied(environment, version, this.now());
    if (latency !== undefined) this.observer.acknowledged(environment, latency);
  }

  #badFrame(why: string): void {
    this.observer.dropped('bad-frame');
    this.#fail(CLOSE.badFrame, 'UNVEIL_ERR_STREAM_BAD_FRAME', why);
  }

  #fail(code: number, errorCode: string, message: string): void {
    if (this.#closed) return;
    this.#message({ type: 'error', code: errorCode, message });
    this.socket.close(code, message.slice(0, 120));
    this.#dispose();
  }

  #message(message: ServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  #dispose(): void {
    this.#closed = true;
    clearTimeout(this.#helloTimer);
    for (const leave of this.#leave.splice(0)) leave();
  }
}

const MAX_FRAMES_BEFORE_AUTH = 8;

/** The frame, or why it is not one. */
function parseFrame(data: Buffer): ClientFrame | string {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  const result = clientFrame.safeParse(json);
  return result.success ? result.data : (result.error.issues[0]?.message ?? 'unknown frame');
}

const CLOSE_ON_AUTH_FAILURE: Record<SdkAuthFailure, number> = {
  missing: CLOSE.unauthorized,
  invalid: CLOSE.unauthorized,
  'not-sdk': CLOSE.forbidden,
  'server-key-in-url': CLOSE.keyInUrl,
};

function describeFailure(failure: SdkAuthFailure): string {
  switch (failure) {
    case 'missing':
      return 'send Authorization: Bearer <sdk key>, or ?key=<client key> from a browser';
    case 'invalid':
      return 'SDK key invalid or revoked';
    case 'not-sdk':
      return 'only server and client SDK keys may open the stream';
    case 'server-key-in-url':
      return 'server keys must be sent in the Authorization header, never in the URL';
  }
}
