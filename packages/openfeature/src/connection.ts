import { GeneralError, ProviderFatalError } from '@openfeature/core';
import {
  type ClientOptions,
  type ClientState,
  createClient,
  type UnveilClient,
  type EvaluationContext as UnveilContext,
  type UnveilError,
} from '@unveil/sdk';

/**
 * What a provider needs to create its own client: `createClient`'s options without `context`, which
 * OpenFeature supplies (per evaluation on servers, `setContext` in browsers).
 */
export type UnveilProviderOptions = Omit<ClientOptions, 'context'>;

/** How a provider turns the client's life into OpenFeature events (each SDK has its own event enum). */
export interface ProviderSignals {
  /** PROVIDER_READY: ready after a failed start, or the live source is back. */
  ready(message: string): void;
  /** PROVIDER_STALE: the live source was lost; the last configuration is still served. */
  stale(message: string): void;
  /** PROVIDER_ERROR (not fatal: values are still served). */
  error(message: string): void;
  /** PROVIDER_CONFIGURATION_CHANGED with the keys of the flags whose configuration changed. */
  changed(flagKeys: string[]): void;
}

/**
 * The signals that emit OpenFeature's provider events on `events`. Each SDK has its own emitter and enum
 * of event names (with the same values), so the caller passes both.
 */
export function signalsOn<Event>(
  events: { emit(event: Event, details: { message?: string; flagsChanged?: string[] }): void },
  names: { Ready: Event; Stale: Event; Error: Event; ConfigurationChanged: Event },
): ProviderSignals {
  return {
    ready: (message) => events.emit(names.Ready, { message }),
    stale: (message) => events.emit(names.Stale, { message }),
    error: (message) => events.emit(names.Error, { message }),
    changed: (flagsChanged) => events.emit(names.ConfigurationChanged, { flagsChanged }),
  };
}

/**
 * - idle: not initialized (again, after `stop`); no events.
 * - starting: `start` is waiting for the client; its events are folded into start's outcome.
 * - started: `start` resolved; events are forwarded.
 * - failed: `start` rejected because the client was not ready in time; it keeps trying, and its first
 *   `ready` is forwarded as PROVIDER_READY.
 * - ended: the server refused the key (or a borrowed client was closed); nothing will change any more.
 */
type Phase = 'idle' | 'starting' | 'started' | 'failed' | 'ended';

const AUTH_REFUSED: UnveilError['code'] = 'UNVEIL_ERR_SDK_AUTH';

/**
 * The part both providers share: owns (or borrows) the Unveil client, starts it for `initialize`, closes
 * it for `onClose`, and maps its events onto OpenFeature's provider events.
 */
export class UnveilConnection {
  readonly #options: UnveilProviderOptions | undefined;
  readonly #signals: ProviderSignals;
  #client: UnveilClient | undefined;
  #phase: Phase = 'idle';
  #unsubscribe: (() => void)[] = [];
  /** Ends `start` early when the server refuses the key (set while starting). */
  #refusedWhileStarting: ((error: UnveilError) => void) | undefined;

  constructor(source: UnveilProviderOptions | UnveilClient, signals: ProviderSignals) {
    this.#signals = signals;
    if (isClient(source)) this.#client = source;
    else this.#options = source;
  }

  /** The client: the one given, or the one created by the last `start` (undefined before it). */
  get client(): UnveilClient | undefined {
    return this.#client;
  }

  /**
   * Creates the client if the provider owns one (else gives the borrowed one `context`, if any), and
   * resolves once it can serve values (from the server, the cache or the bootstrap). Rejects with
   * `ProviderFatalError` when the server refuses the key (or a borrowed client is closed), and with
   * `GeneralError` when nothing can be served within the ready timeout (the client keeps trying;
   * PROVIDER_READY follows when it succeeds).
   */
  async start(context?: UnveilContext): Promise<void> {
    this.#detach();
    if (this.#client === undefined)
      this.#client = createClient({ ...this.#options!, ...(context === undefined ? {} : { context }) });
    else if (context !== undefined) this.#client.setContext(context);
    const client = this.#client;
    this.#phase = 'starting';
    this.#attach(client);
    const outcome = await new Promise<ClientState | UnveilError>((resolve) => {
      this.#refusedWhileStarting = resolve;
      void client.ready().then(resolve);
    });
    this.#refusedWhileStarting = undefined;
    if (this.#phase !== 'starting') throw new GeneralError('the provider was closed while initializing');
    if (typeof outcome !== 'string' || outcome === 'closed') {
      this.#phase = 'ended';
      throw new ProviderFatalError(
        `Unveil: ${typeof outcome === 'string' ? 'the client is closed' : outcome.message}`,
      );
    }
    if (outcome === 'initializing') {
      this.#phase = 'failed';
      throw new GeneralError(
        'Unveil: no flag configuration within the ready timeout (server unreachable, no cache or bootstrap); still trying',
      );
    }
    this.#phase = 'started';
    // Served from the cache with the server unreachable: OpenFeature marks the provider READY when this
    // promise resolves, so STALE must come after that, from a later task.
    if (outcome === 'stale')
      setTimeout(() => {
        if (this.#phase === 'started' && client.state === 'stale') this.#signals.stale(STALE_MESSAGE);
      }, 0);
  }

  /** Stops forwarding events and closes the client if this provider created it. */
  async stop(): Promise<void> {
    this.#detach();
    this.#phase = 'idle';
    if (this.#options === undefined) return;
    const client = this.#client;
    this.#client = undefined;
    await client?.close();
  }

  #attach(client: UnveilClient): void {
    this.#unsubscribe = [
      client.on('change', (keys) => {
        if (this.#phase === 'started') this.#signals.changed(keys);
      }),
      client.on('stale', () => {
        if (this.#phase === 'started') this.#signals.stale(STALE_MESSAGE);
      }),
      client.on('reconnected', () => {
        if (this.#phase === 'started')
          this.#signals.ready('Unveil: the live connection is back and caught up');
      }),
      client.on('ready', () => {
        if (this.#phase !== 'failed') return;
        this.#phase = 'started';
        this.#signals.ready('Unveil: flag configuration loaded');
      }),
      client.on('error', (error) => {
        if (error.code !== AUTH_REFUSED) return;
        if (this.#phase === 'starting') {
          this.#refusedWhileStarting?.(error);
          return;
        }
        const wasServing = this.#phase === 'started';
        this.#phase = 'ended';
        // The client keeps serving what it has, so OpenFeature should go on asking it: not fatal.
        if (wasServing) this.#signals.error(`Unveil: ${error.message}; serving the last configuration`);
      }),
    ];
  }

  #detach(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#refusedWhileStarting = undefined;
  }
}

const STALE_MESSAGE = 'Unveil: the live connection was lost; serving the last configuration received';

function isClient(source: UnveilProviderOptions | UnveilClient): source is UnveilClient {
  return typeof (source as Partial<UnveilClient>).getDetail === 'function';
}
