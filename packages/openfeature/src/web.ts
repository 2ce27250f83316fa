/**
 * `@unveil/openfeature/web`: an OpenFeature provider for `@openfeature/web-sdk` (the static-context
 * paradigm: one context at a time, set with `OpenFeature.setContext`), evaluating locally with
 * `@unveil/sdk`. Imports nothing of the server SDK.
 */
import {
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/web-sdk';
import type { UnveilClient } from '@unveil/sdk';
import { signalsOn, UnveilConnection, type UnveilProviderOptions } from './connection.js';
import { toUnveilContext } from './context.js';
import { resolveFlag } from './resolution.js';

export type { UnveilProviderOptions } from './connection.js';
export { ERROR_CODES, REASONS } from './mapping.js';

/**
 * OpenFeature web provider for Unveil. Give it `createClient` options with a client key (it creates,
 * starts and closes its own client) or a client you already have (it never closes that one, and sets
 * its context to OpenFeature's).
 *
 * ```ts
 * await OpenFeature.setProviderAndWait(new UnveilWebProvider({ url, sdkKey: 'unv_cli_…' }), { targetingKey: user.id });
 * const color = OpenFeature.getClient().getStringValue('banner-color', 'grey');
 * ```
 */
export class UnveilWebProvider implements Provider {
  readonly metadata = { name: 'unveil' } as const;
  readonly runsOn = 'client';
  /** PROVIDER_CONFIGURATION_CHANGED, PROVIDER_STALE, PROVIDER_READY (again) and PROVIDER_ERROR. */
  readonly events = new OpenFeatureEventEmitter();
  readonly #connection: UnveilConnection;
  /**
   * Why the current OpenFeature context cannot be used (an `InvalidContextError`, or whatever reading it
   * threw); every evaluation answers with it (INVALID_CONTEXT, or GENERAL) until a usable one is set.
   */
  #contextError: Error | undefined;

  constructor(source: UnveilProviderOptions | UnveilClient) {
    this.#connection = new UnveilConnection(source, signalsOn(this.events, ProviderEvents));
  }

  /** The Unveil client underneath (undefined before `initialize` when the provider creates its own). */
  get client(): UnveilClient | undefined {
    return this.#connection.client;
  }

  /**
   * Starts the client with OpenFeature's context and resolves once it serves values. Rejects with
   * `ProviderFatalError` if the server refuses the key, or `GeneralError` if nothing can be served within
   * the ready timeout (the client keeps trying and PROVIDER_READY follows). An invalid context does not
   * fail the start: evaluations answer INVALID_CONTEXT until a valid one is set.
   */
  initialize(context?: EvaluationContext): Promise<void> {
    return this.#connection.start(this.#accept(context) ?? {});
  }

  /**
   * Evaluates for the new context from now on: synchronously, since local evaluation has nothing to
   * fetch (so OpenFeature emits CONTEXT_CHANGED without RECONCILING). For a context Unveil cannot use,
   * returns a rejected promise (OpenFeature emits RECONCILING, then PROVIDER_ERROR), and evaluations
   * answer INVALID_CONTEXT until a valid one is set rather than evaluate for the previous user.
   */
  onContextChange(_oldContext: EvaluationContext, newContext: EvaluationContext): Promise<void> | undefined {
    const context = this.#accept(newContext);
    this.#connection.client?.setContext(context);
    // Rejected, not thrown: @openfeature/web-sdk 1.10 miscounts a synchronous throw (its count of pending
    // context changes goes below zero, and it emits no event for this change nor any later one).
    return this.#contextError === undefined ? undefined : Promise.reject(this.#contextError);
  }

  /** Closes the client if the provider created it (buffered events are sent first). */
  onClose(): Promise<void> {
    return this.#connection.stop();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean): ResolutionDetails<boolean> {
    return this.#resolve(flagKey, 'boolean', defaultValue);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string): ResolutionDetails<string> {
    return this.#resolve(flagKey, 'string', defaultValue);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number): ResolutionDetails<number> {
    return this.#resolve(flagKey, 'number', defaultValue);
  }

  /** Reads a `json` flag; its variants may hold any JSON value. */
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T): ResolutionDetails<T> {
    return this.#resolve(flagKey, 'object', defaultValue);
  }

  /**
   * Records `trackingEventName` for the current context's targeting key with `details.value` (Unveil
   * keeps the name, the key and a numeric value; other details are not sent).
   */
  track(trackingEventName: string, _context: EvaluationContext, details: TrackingEventDetails): void {
    this.#connection.client?.track(trackingEventName, details?.value);
  }

  /** Converts OpenFeature's context, remembering why when it cannot be used (undefined then). */
  #accept(context: EvaluationContext | undefined) {
    try {
      const converted = toUnveilContext(context);
      this.#contextError = undefined;
      return converted;
    } catch (error) {
      this.#contextError = error instanceof Error ? error : new Error(String(error));
      return undefined;
    }
  }

  #resolve<T extends boolean | string | number | JsonValue>(
    flagKey: string,
    type: 'boolean' | 'string' | 'number' | 'object',
    defaultValue: T,
  ): ResolutionDetails<T> {
    return resolveFlag(this.#connection.client, flagKey, type, defaultValue, () => {
      if (this.#contextError !== undefined) throw this.#contextError;
      // The client's own context: the one OpenFeature last set.
      return undefined;
    });
  }
}
