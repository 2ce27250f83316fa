import type { EvaluationContext, EvaluationResult, Evaluator, JsonValue } from '@unveil/core';

/** What `getValue` / `getDetail` return for a default of type `T`: the default's type, widened. */
export type ValueOf<T> = T extends boolean
  ? boolean
  : T extends string
    ? string
    : T extends number
      ? number
      : T;

/** The result before any configuration is loaded: the caller's default, `CLIENT_NOT_READY`. */
export function notReady<T>(defaultValue: T): EvaluationResult<T> {
  return {
    value: defaultValue,
    variant: undefined,
    reason: 'ERROR',
    ruleId: undefined,
    errorCode: 'CLIENT_NOT_READY',
  };
}

/**
 * Picks the typed getter from the default's JavaScript type: boolean, string and number defaults ask for
 * those flag types, anything else (objects, arrays, null) for a `json` flag. A flag of another type
 * answers `TYPE_MISMATCH` with the default, so the value returned always has the default's type.
 */
export function detailByDefault<T>(
  evaluator: Evaluator,
  flagKey: string,
  defaultValue: T,
  context: EvaluationContext,
): EvaluationResult<ValueOf<T>> {
  const key = String(flagKey);
  switch (typeof defaultValue) {
    case 'boolean':
      return evaluator.getBooleanDetail(key, defaultValue, context) as EvaluationResult<ValueOf<T>>;
    case 'string':
      return evaluator.getStringDetail(key, defaultValue, context) as EvaluationResult<ValueOf<T>>;
    case 'number':
      return evaluator.getNumberDetail(key, defaultValue, context) as EvaluationResult<ValueOf<T>>;
    default:
      return evaluator.getJsonDetail(key, defaultValue as JsonValue, context) as EvaluationResult<ValueOf<T>>;
  }
}
