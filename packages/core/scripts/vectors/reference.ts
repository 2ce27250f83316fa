/**
 * Bucketing computed without the evaluator: the reference `murmurhash` package (UTF-8 via TextEncoder,
 * seed 0), and the weight intervals of README "Bucketing" written out again. Used to derive the expected
 * variant of every hand-pinned rollout case and to record the bucket of every SPLIT case.
 */
import murmurhash from 'murmurhash';
import type { Flag, Rollout } from '../../src/index.js';

export const BUCKET_COUNT = 100_000;

export function referenceBucket(input: string): number {
  return murmurhash.v3(input) % BUCKET_COUNT;
}

/** README "Contexts and attributes": a top-level own property, or a JSON pointer through plain objects. */
export function readAttribute(context: unknown, attribute: string): unknown {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isObject(context)) return undefined;
  if (!attribute.startsWith('/')) return Object.hasOwn(context, attribute) ? context[attribute] : undefined;
  let current: unknown = context;
  for (const token of attribute.slice(1).split('/')) {
    const name = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(current) || !Object.hasOwn(current, name)) return undefined;
    current = current[name];
  }
  return current;
}

/** README "Bucketing": a string as it is, a safe integer as its decimal digits; anything else is not bucketable. */
export function bucketText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

export interface ReferenceSplit {
  input: string;
  bucket: number;
  /** The variant owning the bucket, or undefined when the bucket is in the unassigned remainder. */
  variant: string | undefined;
}

/** Variant i owns [sum of the weights before it, that sum + its weight). */
export function variantOwning(rollout: Rollout, bucket: number): string | undefined {
  let upper = 0;
  for (const { variant, weight } of rollout.variants) {
    const lower = upper;
    upper += weight;
    if (bucket >= lower && bucket < upper) return variant;
  }
  return undefined;
}

/** The rollout of rule `ruleId`, or of the fallthrough when `ruleId` is undefined. */
export function rolloutOf(flag: Flag, ruleId: string | undefined): Rollout {
  const serve =
    ruleId === undefined ? flag.fallthrough : flag.rules?.find((rule) => rule.id === ruleId)?.serve;
  if (serve?.rollout === undefined) throw new Error(`${flag.key}: no rollout at ${ruleId ?? 'fallthrough'}`);
  return serve.rollout;
}

/** Where `context` lands in a rollout of `flag`; undefined when the context cannot be bucketed. */
export function referenceSplit(flag: Flag, rollout: Rollout, context: unknown): ReferenceSplit | undefined {
  const text = bucketText(readAttribute(context, rollout.bucketBy ?? 'key'));
  if (text === undefined) return undefined;
  const input = `${rollout.salt ?? flag.key}:${text}`;
  const bucket = referenceBucket(input);
  return { input, bucket, variant: variantOwning(rollout, bucket) };
}
