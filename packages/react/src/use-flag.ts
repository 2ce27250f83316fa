import type { EvaluationContext, EvaluationResult, JsonValue, UnveilClient, ValueOf } from '@unveil/sdk';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { revisionOf, subscribeToFlag } from './flag-revision.js';
import { sameResult, sameValue } from './same-value.js';
import { useUnveilScope } from './unveil-provider.js';

/**
 * The flag's value for the provider's context, typed by the default (a boolean default reads a boolean
 * flag, and so on; see `getValue` in @unveil/sdk). The component re-renders when this flag's value
 * changes, and only then: another flag's change, or this flag's change that serves the same value,
 * leaves it alone. The default is served while the client is not ready, or if the flag is missing or of
 * another type.
 */
export function useFlag<T extends JsonValue>(flagKey: string, defaultValue: T): ValueOf<T> {
  return useEvaluation('useFlag', flagKey, defaultValue, pickValue, sameValue);
}

/**
 * Like `useFlag`, with why: `{ value, variant, reason, ruleId, errorCode }`. The component re-renders
 * when any of them changes for this flag.
 */
export function useFlagDetail<T extends JsonValue>(
  flagKey: string,
  defaultValue: T,
): EvaluationResult<ValueOf<T>> {
  return useEvaluation('useFlagDetail', flagKey, defaultValue, pickDetail, sameResult);
}

const pickValue = <V>(detail: EvaluationResult<V>): V => detail.value;
const pickDetail = <V>(detail: EvaluationResult<V>): EvaluationResult<V> => detail;

/** The inputs of the last evaluation, and what a component got from it. */
interface LastEvaluation<R> {
  client: UnveilClient;
  flagKey: string;
  defaultValue: JsonValue;
  context: EvaluationContext | undefined;
  revision: number;
  selected: R;
}

/**
 * One flag through `useSyncExternalStore`: subscribed to that flag alone, and a snapshot that keeps its
 * identity while it means the same (React compares snapshots with `Object.is`; a fresh object for an
 * unchanged value would re-render — or, inside one render, loop).
 */
function useEvaluation<T extends JsonValue, R>(
  hook: string,
  flagKey: string,
  defaultValue: T,
  select: (detail: EvaluationResult<ValueOf<T>>) => R,
  same: (a: R, b: R) => boolean,
): R {
  const { client, context } = useUnveilScope(hook);
  const last = useRef<LastEvaluation<R> | undefined>(undefined);
  const subscribe = useCallback(
    (notify: () => void) => subscribeToFlag(client, flagKey, notify),
    [client, flagKey],
  );
  const read = (): R => {
    const revision = revisionOf(client);
    const previous = last.current;
    if (
      previous !== undefined &&
      previous.revision === revision &&
      previous.client === client &&
      previous.flagKey === flagKey &&
      previous.context === context &&
      sameValue(previous.defaultValue, defaultValue)
    )
      return previous.selected;
    // Only here is an exposure counted: once per change that reaches this component, not per render.
    const fresh = select(client.getDetail(flagKey, defaultValue, context));
    const selected = previous !== undefined && same(previous.selected, fresh) ? previous.selected : fresh;
    last.current = { client, flagKey, defaultValue, context, revision, selected };
    return selected;
  };
  // The same function on the server and while hydrating: the client there is built from the snapshot
  // the page was rendered with (`bootstrap`), so both sides evaluate the same configuration.
  return useSyncExternalStore(subscribe, read, read);
}
