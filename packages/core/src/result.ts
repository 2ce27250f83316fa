import type { JsonValue } from './model.js';

/**
 * Why a value was served. A closed set: each maps onto one OpenFeature reason (see README).
 * - OFF: the flag's kill switch is off; `offVariant` served.
 * - TARGET_MATCH: the context key is individually targeted.
 * - RULE_MATCH: a rule matched and serves a fixed variant.
 * - SPLIT: a rollout chose the variant (in a rule — `ruleId` says which — or in the fallthrough).
 * - FALLTHROUGH: no rule matched; the fallthrough's fixed variant served.
 * - PREREQUISITE_FAILED: a prerequisite flag did not serve a required variant; `offVariant` served.
 * - DEFAULT: the fallthrough rollout could not bucket the context (no `bucketBy` attribute);
 *   `offVariant` served, so a context that cannot be placed in a cohort is never exposed.
 * - ERROR: no value from the flag; the caller's default is served and `errorCode` says why.
 */
export type Reason =
  | 'OFF'
  | 'TARGET_MATCH'
  | 'RULE_MATCH'
  | 'SPLIT'
  | 'FALLTHROUGH'
  | 'PREREQUISITE_FAILED'
  | 'DEFAULT'
  | 'ERROR';

/**
 * - FLAG_NOT_FOUND: no flag with that key in the snapshot.
 * - TYPE_MISMATCH: a typed getter asked for a type the flag's value does not have.
 * - MALFORMED_FLAG: the flag cannot be evaluated: prerequisite cycle, missing prerequisite flag,
 *   prerequisite chain deeper than {@link MAX_PREREQUISITE_DEPTH}, or a reference that does not resolve.
 * - CLIENT_NOT_READY: (SDKs) no configuration has been loaded yet.
 * - GENERAL: anything else.
 */
export type ErrorCode =
  | 'FLAG_NOT_FOUND'
  | 'TYPE_MISMATCH'
  | 'MALFORMED_FLAG'
  | 'CLIENT_NOT_READY'
  | 'GENERAL';

export interface EvaluationResult<T = JsonValue> {
  /** The served value; for reason ERROR, the caller's default (undefined if none was given). */
  readonly value: T;
  /** The served variant's key; undefined for ERROR. */
  readonly variant: string | undefined;
  readonly reason: Reason;
  /** The matching rule's id for RULE_MATCH and for a SPLIT decided inside a rule. */
  readonly ruleId: string | undefined;
  readonly errorCode: ErrorCode | undefined;
}

/** Evaluating a prerequisite chain deeper than this is refused with MALFORMED_FLAG. */
export const MAX_PREREQUISITE_DEPTH = 32;

/**
 * Where a result carries the tag its compiler's caller gave its flag and variant (see `compileFlags`):
 * a non-enumerable property, so results look, compare and serialize exactly as untagged ones.
 */
export const RESULT_TAG: unique symbol = Symbol('unveil.resultTag');

/** Build a frozen result; the evaluator builds all of its results at compile time and only returns them. */
export function makeResult<T>(
  value: T,
  variant: string | undefined,
  reason: Reason,
  ruleId?: string,
  errorCode?: ErrorCode,
  tag?: unknown,
): EvaluationResult<T> {
  const result = { value, variant, reason, ruleId, errorCode };
  if (tag !== undefined) Object.defineProperty(result, RESULT_TAG, { value: tag });
  return Object.freeze(result);
}

export function errorResult<T>(errorCode: ErrorCode, defaultValue: T): EvaluationResult<T> {
  return makeResult(defaultValue, undefined, 'ERROR', undefined, errorCode);
}
