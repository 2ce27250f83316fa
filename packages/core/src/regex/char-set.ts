/**
 * Sets of code points, stored as flat lists of inclusive ranges `[lo0, hi0, lo1, hi1, ...]`.
 * After {@link normalizeRanges} the ranges are sorted, disjoint and non-adjacent, which makes
 * complement a single pass and membership a binary search. Only used at compile time.
 */
export type Ranges = readonly number[];

export const MAX_CODE_POINT = 0x10ffff;

/** `\d`: ASCII digits only, as in JS without the `i` flag. */
export const DIGIT_RANGES: Ranges = [0x30, 0x39];

/** `\w` (and the word characters of `\b`): ASCII `[0-9A-Z_a-z]`, as in JS without the `i` flag. */
export const WORD_RANGES: Ranges = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];

/**
 * `\s`: JS's WhiteSpace and LineTerminator productions — TAB, LF, VT, FF, CR, SPACE, NBSP, the
 * Unicode Zs category, LS, PS and ZWNBSP (BOM).
 */
export const SPACE_RANGES: Ranges = [
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f,
  0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
];

/** `.` without the `s` flag: everything except the line terminators LF, CR, LS and PS. */
export const DOT_RANGES: Ranges = negateRanges([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]);

/** Sorts and merges overlapping or adjacent ranges. */
export function normalizeRanges(ranges: Ranges): number[] {
  const pairs: Array<readonly [number, number]> = [];
  for (let i = 0; i + 1 < ranges.length; i += 2) pairs.push([ranges[i]!, ranges[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) {
      if (hi > out[last]!) out[last] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

/** Complement over all code points 0..U+10FFFF; the input must be normalized. */
export function negateRanges(ranges: Ranges): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    const lo = ranges[i]!;
    if (lo > next) out.push(next, lo - 1);
    next = ranges[i + 1]! + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}
