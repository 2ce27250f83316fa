import { type EvaluationContext, type EvaluationContextValue, InvalidContextError } from '@openfeature/core';
import type { EvaluationContext as UnveilContext } from '@unveil/sdk';

/**
 * OpenFeature's context as Unveil evaluates it: `targetingKey` becomes `key` (the attribute that targets,
 * segment lists and the default rollout use), and `Date` values become RFC 3339 strings, which the
 * `before` / `after` operators read; everything else is passed as it is.
 *
 * Throws `InvalidContextError` for a context Unveil would misread rather than reject: a `targetingKey`
 * that is not a string, one that disagrees with a `key` attribute (which user is this?), or an invalid
 * `Date`.
 */
export function toUnveilContext(context: EvaluationContext | undefined): UnveilContext {
  if (context === undefined || context === null) return {};
  const { targetingKey, ...attributes } = context;
  const converted = convertRecord(attributes);
  if (targetingKey === undefined) return converted;
  if (typeof targetingKey !== 'string')
    throw new InvalidContextError(`targetingKey must be a string, got ${typeof targetingKey}`);
  if (converted.key !== undefined && converted.key !== targetingKey)
    throw new InvalidContextError(
      'targetingKey and the attribute "key" differ: Unveil reads both as the targeting key; set one',
    );
  converted.key = targetingKey;
  return converted;
}

function convertRecord(record: Record<string, EvaluationContextValue>): Record<string, unknown> {
  const converted: Record<string, unknown> = {};
  for (const name of Object.keys(record)) converted[name] = convertValue(record[name]);
  return converted;
}

/** Returns `value` itself unless a Date is inside it, so contexts without dates are not deep-copied. */
function convertValue(value: EvaluationContextValue | undefined): unknown {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidContextError('a Date attribute is invalid');
    return value.toISOString();
  }
  if (Array.isArray(value)) {
    const items = value.map(convertValue);
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, EvaluationContextValue>;
    const converted = convertRecord(record);
    return Object.keys(record).some((name) => converted[name] !== record[name]) ? converted : value;
  }
  return value;
}
