import type { CompiledFlag } from './compile-flag.js';
import type { EvaluationContext, FlagType } from './model.js';
import { type ErrorCode, type EvaluationResult, errorResult } from './result.js';

/** Context used when a caller passes something that is not an object (null, a string, an array…). */
const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/**
 * A flag's result for a caller who asked for `type` with `defaultValue`: the flag's own (shared) result
 * when it has that type and evaluates cleanly; otherwise the default with `FLAG_NOT_FOUND` (no flag),
 * `TYPE_MISMATCH`, or the flag's own error code.
 */
export function typedDetail<T>(
  flag: CompiledFlag | undefined,
  type: FlagType,
  defaultValue: T,
  context: unknown,
): EvaluationResult<T> {
  if (flag === undefined) return errorResult('FLAG_NOT_FOUND', defaultValue);
  if (flag.type !== type) return errorResult('TYPE_MISMATCH', defaultValue);
  const result = flag.evaluate(asContext(context));
  if (result.reason === 'ERROR') return errorResult(result.errorCode as ErrorCode, defaultValue);
  return result as EvaluationResult<T>;
}

/** A context that is not an object (null, a string, an array…) is evaluated as `{}`. */
export function asContext(context: unknown): EvaluationContext {
  return context !== null && typeof context === 'object' ? (context as EvaluationContext) : EMPTY_CONTEXT;
}
