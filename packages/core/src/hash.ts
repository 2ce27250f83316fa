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
    h1 = mixBlock(h1, pending);
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
  return finalize(h1, pending, pendingCount, length, UINT32_RANGE);
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

/**
 * murmur3(`${salt}:${value}`) mod 100000, with the salt's part of the hash precomputed. The common case —
 * an ASCII value — runs in local variables, four characters per block; the first character outside ASCII
 * sends the whole value down the general UTF-8 path.
 */
export function bucketFromPrefix(prefix: HashPrefix, value: string): number {
  const n = value.length;
  let h = prefix.h1;
  let k = prefix.pending;
  let filled = prefix.pendingCount;
  let i = 0;
  if (filled !== 0) {
    for (; filled < 4 && i < n; filled++, i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return bucketFromPrefixUtf8(prefix, value);
      k |= c << (filled << 3);
    }
    if (filled === 4) {
      h = mixBlock(h, k);
      k = 0;
      filled = 0;
    }
  }
  // When a block is still incomplete here, the value is used up and this loop and the next do nothing.
  const blocksEnd = i + ((n - i) & ~3);
  for (; i < blocksEnd; i += 4) {
    const c0 = value.charCodeAt(i);
    const c1 = value.charCodeAt(i + 1);
    const c2 = value.charCodeAt(i + 2);
    const c3 = value.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) return bucketFromPrefixUtf8(prefix, value);
    h = mixBlock(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  for (; i < n; i++, filled++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return bucketFromPrefixUtf8(prefix, value);
    k |= c << (filled << 3);
  }
  return finalize(h, k, filled, prefix.length + n, BUCKETS);
}

function mixBlock(h: number, block: number): number {
  let k1 = Math.imul(block, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  k1 = Math.imul(k1, C2);
  h ^= k1;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

const UINT32_RANGE = 2 ** 32;

/**
 * Tail bytes, length, and the final avalanche; returns the unsigned hash mod `modulus`. The modulus is
 * taken here, not by the caller, because a uint32 ≥ 2^30 returned across a call that V8 does not inline
 * is boxed (a heap allocation per evaluation); a bucket below 100000 never is.
 */
function finalize(h: number, tail: number, tailCount: number, byteLength: number, modulus: number): number {
  if (tailCount > 0) {
    let k1 = Math.imul(tail, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, C2);
    h ^= k1;
  }
  h ^= byteLength;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % modulus;
}

function bucketFromPrefixUtf8(prefix: HashPrefix, value: string): number {
  h1 = prefix.h1;
  pending = prefix.pending;
  pendingCount = prefix.pendingCount;
  length = prefix.length;
  pushString(value);
  return finalize(h1, pending, pendingCount, length, BUCKETS);
}

/** The bucket (0 … 99999) of `value` under `salt`, as design.md §4 defines it. */
export function bucket(salt: string, value: string): number {
  return bucketFromPrefix(hashPrefix(salt), value);
}
