import { compileAttributeReader } from './attributes.js';
import { CompileError } from './compile-error.js';
import { bucketFromPrefix, hashPrefix } from './hash.js';
import type { EvaluationContext, Rollout } from './model.js';
import { TOTAL_WEIGHT } from './model.js';

/** Index into the rollout's variants, or -1: not bucketable, or in the unassigned remainder. */
export type VariantPicker = (context: EvaluationContext) => number;

/**
 * design.md §4: bucket = murmur3(`${salt}:${value}`) mod 100000; variant i owns the buckets from the sum
 * of the weights before it up to its own. The salt's share of the hash is computed here, once.
 *
 * Bucketable values: a string as it is, or a safe integer as its decimal digits (`42` hashes as "42").
 * Anything else — absent, null, boolean, fraction, object — is not bucketed and picks -1.
 */
export function compileRollout(rollout: Rollout, flagKey: string, requireFullWeight: boolean): VariantPicker {
  const prefix = hashPrefix(rollout.salt ?? flagKey);
  const read = compileAttributeReader(rollout.bucketBy ?? 'key');
  const upperBounds = cumulativeWeights(rollout, requireFullWeight);
  const count = upperBounds.length;
  return (context) => {
    const value = read(context);
    let bucket: number;
    if (typeof value === 'string') bucket = bucketFromPrefix(prefix, value);
    else if (Number.isSafeInteger(value)) bucket = bucketFromPrefix(prefix, String(value));
    else return -1;
    for (let i = 0; i < count; i++) if (bucket < upperBounds[i]!) return i;
    return -1;
  };
}

function cumulativeWeights(rollout: Rollout, requireFullWeight: boolean): Int32Array {
  const bounds = new Int32Array(rollout.variants.length);
  let total = 0;
  rollout.variants.forEach(({ weight }, index) => {
    if (!Number.isInteger(weight) || weight < 0 || weight > TOTAL_WEIGHT) {
      throw new CompileError(`weight must be an integer from 0 to ${TOTAL_WEIGHT}`, [
        'variants',
        index,
        'weight',
      ]);
    }
    total += weight;
    bounds[index] = total;
  });
  if (total > TOTAL_WEIGHT || (requireFullWeight && total !== TOTAL_WEIGHT)) {
    const expected = requireFullWeight ? `exactly ${TOTAL_WEIGHT}` : `at most ${TOTAL_WEIGHT}`;
    throw new CompileError(`weights sum to ${total}; they must sum to ${expected}`, ['variants']);
  }
  return bounds;
}
