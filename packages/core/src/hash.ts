/**
 * MurmurHash3 x86_32 (seed 0) over the UTF-8 bytes of a string, computed straight from the UTF-16 code
 * units: no TextEncoder, no intermediate buffer, no string concatenation, so hashing allocates nothing.
 * Byte-for-byte equal to `murmurhash.v3(str)` of the `murmurhash` package (which encodes with
 * TextEncoder: a lone surrogate becomes U+FFFD), checked by property tests.
 *
 * The hasher is a streaming state machine kept in module variables: evaluation is synchronous and JS is
 * single-threaded, so no two hashes interleave, and no state object is allocated per call.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

let h1 = 0;
let pending = 0; // up to 3 bytes not yet forming a 4-byte block, little-endian
let pendingCount = 0;
let length = 0;

function pushByte(byte: number): void {
  pending |= byte << (pendingCount << 3);
  length++;
  if (++pendingCount === 4) {
    let k1 = Math.imul(pending, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, C2);
    h1 ^= k1;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    pending = 0;
    pendingCount = 0;
  }
}

function pushString(text: string): void {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      pushByte(unit);
    } else if (unit < 0x800) {
      pushByte(0xc0 | (unit >> 6));
      pushByte(0x80 | (unit & 0x3f));
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < n) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
        pushByte(0xf0 | (codePoint >> 18));
        pushByte(0x80 | ((codePoint >> 12) & 0x3f));
        pushByte(0x80 | ((codePoint >> 6) & 0x3f));
        pushByte(0x80 | (codePoint & 0x3f));
        i++;
      } else {
        pushReplacementCharacter();
      }
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      pushReplacementCharacter();
    } else {
      pushByte(0xe0 | (unit >> 12));
      pushByte(0x80 | ((unit >> 6) & 0x3f));
      pushByte(0x80 | (unit & 0x3f));
    }
  }
}

/** A lone surrogate is not encodable; WHATWG UTF-8 encoding (TextEncoder) writes U+FFFD instead. */
function pushReplacementCharacter(): void {
  pushByte(0xef);
  pushByte(0xbf);
  pushByte(0xbd);
}

function finish(): number {
  let h = h1;
  if (pendingCount > 0) {
    let k1 = Math.imul(pending, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, C2);
    h ^= k1;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function reset(seed: number): void {
  h1 = seed | 0;
  pending = 0;
  pendingCount = 0;
  length = 0;
}

/** MurmurHash3 x86_32 of the UTF-8 bytes of `text`, unsigned. */
export function murmur3(text: string, seed = 0): number {
  reset(seed);
  pushString(text);
  return finish();
}

/** Hash state after `${salt}:`, computed once per rollout so each evaluation hashes only the value. */
export interface HashPrefix {
  readonly h1: number;
  readonly pending: number;
  readonly pendingCount: number;
  readonly length: number;
}

export function hashPrefix(salt: string): HashPrefix {
  reset(0);
  pushString(salt);
  pushByte(0x3a); // ':'
  return { h1, pending, pendingCount, length };
}

/** Number of buckets: one bucket is 0.001 % of contexts. */
export const BUCKETS = 100_000;

/** murmur3(`${salt}:${value}`) mod 100000, with the salt's part of the hash precomputed. */
export function bucketFromPrefix(prefix: HashPrefix, value: string): number {
  h1 = prefix.h1;
  pending = prefix.pending;
  pendingCount = prefix.pendingCount;
  length = prefix.length;
  pushString(value);
  return finish() % BUCKETS;
}

/** The bucket (0 … 99999) of `value` under `salt`, as design.md §4 defines it. */
export function bucket(salt: string, value: string): number {
  return bucketFromPrefix(hashPrefix(salt), value);
}
