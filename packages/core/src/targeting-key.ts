import { murmur3 } from './hash.js';
import type { EvaluationContext } from './model.js';

/** Reads the key that targets and segment lists are matched against: the context key, or its hash. */
export type TargetingKeyReader = (context: EvaluationContext) => string | undefined;

export const plainTargetingKey: TargetingKeyReader = (context) =>
  typeof context.key === 'string' ? context.key : undefined;

/**
 * The form a key takes in a client-safe snapshot: 64 bits of two seeded murmur3 hashes of
 * `${salt}:${key}`, as 16 hex digits. Browsers receive target and segment lists in this form, so the
 * lists cannot be read back; a reader can only test keys it already guesses (the salt, per environment,
 * stops one table of guesses serving every deployment). Synchronous on purpose: WebCrypto digests are
 * asynchronous, and evaluation must not be.
 */
export function hashTargetingKey(salt: string, key: string): string {
  const input = `${salt}:${key}`;
  return hex8(murmur3(input, 0x9747b28c)) + hex8(murmur3(input, 0x5bd1e995));
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/**
 * Reader for a snapshot whose lists hold hashed keys. Remembers the last key it hashed: an SDK in a
 * browser evaluates for one user, so after the first evaluation this costs a comparison, not a hash.
 */
export function hashedTargetingKey(salt: string): TargetingKeyReader {
  let lastKey: string | undefined;
  let lastHash: string | undefined;
  return (context) => {
    const key = context.key;
    if (typeof key !== 'string') return undefined;
    if (key !== lastKey) {
      lastHash = hashTargetingKey(salt, key);
      lastKey = key;
    }
    return lastHash;
  };
}
