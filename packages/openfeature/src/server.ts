/**
 * `@unveil/openfeature/server`: an OpenFeature provider for `@openfeature/server-sdk` (the dynamic-context
 * paradigm: each evaluation brings its own context), evaluating locally with `@unveil/sdk`.
 */
import {
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/server-sdk';
import type { UnveilClient } from '@unveil/sdk';
import { signalsOn, UnveilConnection, type UnveilProviderOptions } from './connection.js';
import { toUnveilContext } from './context.js';
import { resolveFlag } from './resolution.js';

export type { UnveilProviderOptions } from './connection.js';
export { ERROR_CODES, REASONS } from './mapping.js';

/**
 * OpenFeature server provider for Unveil. Give it `createClient` options (it creates, starts and closes
 * its own client) or a client you already have (it never closes that one).
 *
 * ```ts
 * await OpenFeature.setProviderAndWait(new UnveilServerProvider({ url, sdkKey: 'unv_srv_…' }));
 * const enabled = await OpenFeature.getClient().getBooleanValue('new-checkout', false, { targetingKey: user.id });
 * ```
 */
export class UnveilServerProvider implements Provider {
  readonly metadata = { name: 'unveil' } as const;
  readonly runsOn = 'server';
  /** PROVIDER_CONFIGURATION_CHANGED, PROVIDER_STALE, PROVIDER_READY (again) and PROVIDER_ERROR. */
  readonly events = new OpenFeatureEventEmitter();
  readonly #connection: UnveilConnection;

  constructor(source: UnveilProviderOptions | UnveilClient) {
    this.#connection = new UnveilConnection(source, signalsOn(this.events, ProviderEvents));
  }

  /** The Unveil client underneath (undefined before `initialize` when the provider creates its own). */
  get client(): UnveilClient | undefined {
    return this.#connection.client;
  }

  /**
   * Starts the client and resolves once it serves values. Rejects with `ProviderFatalError` if the
   * server refuses the key, or `GeneralError` if nothing can be served within the ready timeout (the
   * client keeps trying and PROVIDER_READY follows). OpenFeature's global context is not used here:
   * every evaluation brings its own.
   */
  initialize(): Promise<void> {
    return this.#connection.start();
  }

  /** Closes the client if the provider created it (buffered events are sent first). */
  onClose(): Promise<void> {
    return this.#connection.stop();
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return this.#resolve(flagKey, 'boolean', defaultValue, context);
  }

  async resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return this.#resolve(flagKey, 'string', defaultValue, context);
  }

  async resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return this.#resolve(flagKey, 'number', defaultValue, context);
  }

  /** Reads a `json` flag; its variants may hold any JSON value. */
  async resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return this.#resolve(flagKey, 'object', defaultValue, context);
  }

  /**
   * Records `trackingEventName` for the context's targeting key with `details.value` (Unveil keeps the
   * name, the key and a numeric value; other details are not sent). Sent with the client's next batch.
   */
  track(trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails): void {
    this.#connection.client?.track(trackingEventName, details?.value, toUnveilContext(context));
  }

  #resolve<T extends boolean | string | number | JsonValue>(
    flagKey: string,
    type: 'boolean' | 'string' | 'number' | 'object',
    defaultValue: T,
    context: EvaluationContext,
  ): ResolutionDetails<T> {
    return resolveFlag(this.#connection.client, flagKey, type, defaultValue, () => toUnveilContext(context));
  }
}
