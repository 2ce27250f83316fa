import type { EvaluationResult } from '@unveil/sdk';

/**
 * Structural equality for what flags serve and contexts hold: primitives, arrays, plain objects and
 * dates. Anything else (class instances, functions) is equal only to itself, so an unknown kind of value
 * is never mistaken for an unchanged one.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]))
  );
}

/** Two evaluation results that a component would render the same way. */
export function sameResult<T>(a: EvaluationResult<T>, b: EvaluationResult<T>): boolean {
  return (
    a.variant === b.variant &&
    a.reason === b.reason &&
    a.ruleId === b.ruleId &&
    a.errorCode === b.errorCode &&
    sameValue(a.value, b.value)
  );
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
