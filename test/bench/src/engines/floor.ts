/**
 * The floor: what the scenario costs when written by hand for exactly this configuration, with nothing
 * generic left — no flag lookup, no rule interpretation, no result object. An evaluator cannot
 * reasonably beat it, so "ours vs floor" says how much of our time is overhead.
 */
import {
  type BenchContext,
  RULE_AGE_GT,
  RULE_COUNTRIES,
  RULE_EMAIL_SUFFIX,
  RULE_PLAN,
  type Scenario,
  type Workload,
} from '../scenarios.js';
import { type Engine, syncEngine } from './types.js';

/**
 * The bucket, 0 … 99999: MurmurHash3 x86_32 (seed 0) of the string `${prefix}${key}` for ASCII strings
 * (one byte per char code), read from the two parts in place so that no concatenated string is built,
 * modulo 100000. Returning the bucket rather than the uint32 hash keeps the result a small integer: a
 * hash ≥ 2^31 returned from a call that is not inlined would be boxed (a heap allocation).
 */
export function bucketAscii(prefix: string, key: string): number {
  const prefixLength = prefix.length;
  const length = prefixLength + key.length;
  const blocksEnd = length & ~3;
  let h = 0;
  let i = 0;
  for (; i < blocksEnd; i += 4) {
    let k =
      charAt(prefix, key, prefixLength, i) |
      (charAt(prefix, key, prefixLength, i + 1) << 8) |
      (charAt(prefix, key, prefixLength, i + 2) << 16) |
      (charAt(prefix, key, prefixLength, i + 3) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail !== 0) {
    let k = charAt(prefix, key, prefixLength, i);
    if (tail >= 2) k |= charAt(prefix, key, prefixLength, i + 1) << 8;
    if (tail === 3) k |= charAt(prefix, key, prefixLength, i + 2) << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 100_000;
}

function charAt(prefix: string, key: string, prefixLength: number, i: number): number {
  return i < prefixLength ? prefix.charCodeAt(i) : key.charCodeAt(i - prefixLength);
}

type Bucket = (prefix: string, key: string) => number;

/**
 * Two floors. `floor` is the one the issue names: murmur3 of the template string `${flagKey}:${userId}`,
 * built per evaluation as naive code would. `floor-inplace` is stricter: it hashes the two parts in place
 * and builds no string. Both are reported; the target is set against `floor`.
 */
function floorEngine(id: string, name: string, bucket: Bucket): Engine {
  return {
    id,
    name,
    role: 'floor',
    async setup(scenario: Scenario, workload: Workload) {
      const contexts: readonly BenchContext[] = workload.contexts;
      const prefix = `${scenario.flagKey}:`;
      const threshold = scenario.rolloutPercent * 1000;
      if (!scenario.hasRules) {
        return syncEngine((index) => bucket(prefix, contexts[index]!.key) < threshold);
      }
      const countries = new Set(RULE_COUNTRIES);
      const segment = new Set(workload.segmentKeys);
      return syncEngine((index) => {
        const c = contexts[index]!;
        if (countries.has(c.country)) return true;
        if (c.plan === RULE_PLAN) return true;
        if (c.email.endsWith(RULE_EMAIL_SUFFIX)) return true;
        if (c.age > RULE_AGE_GT) return true;
        if (segment.has(c.key)) return true;
        return bucket(prefix, c.key) < threshold;
      });
    },
  };
}

export const floor = floorEngine('floor', 'floor (hash of a built "flagKey:userId")', (prefix, key) =>
  bucketAscii('', `${prefix}${key}`),
);

export const floorInPlace = floorEngine('floor-inplace', 'floor, strict (no string built)', bucketAscii);
