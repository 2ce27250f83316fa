import fc from 'fast-check';
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucket, murmur3 } from '../src/hash.js';

/** Any sequence of UTF-16 code units, lone surrogates included. */
const codeUnits = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 64 })
  .map((units) => String.fromCharCode(...units));
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  codeUnits,
);

describe('murmur3', () => {
  it('matches the reference murmurhash package byte for byte', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        expect(murmur3(text)).toBe(murmurhash.v3(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('matches the reference for every seed', () => {
    fc.assert(
      fc.property(anyString, fc.integer({ min: 0, max: 0xffffffff }), (text, seed) => {
        expect(murmur3(text, seed)).toBe(murmurhash.v3(text, seed));
      }),
    );
  });

  it('matches known values', () => {
    // Published MurmurHash3_x86_32 values (seed 0) for the empty string and short inputs.
    expect(murmur3('')).toBe(0);
    expect(murmur3('a')).toBe(0x3c2569b2);
    expect(murmur3('Hello, world!')).toBe(0xc0363e43);
  });
});

describe('bucket', () => {
  it('is murmur3 of "salt:value" mod 100000, for any salt and value', () => {
    fc.assert(
      fc.property(anyString, anyString, (salt, value) => {
        const expected = murmurhash.v3(`${salt}:${value}`) % BUCKETS;
        expect(bucket(salt, value)).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
  });

  it('stays in range 0…99999', () => {
    fc.assert(
      fc.property(anyString, anyString, (salt, value) => {
        const result = bucket(salt, value);
        expect(Number.isInteger(result) && result >= 0 && result < BUCKETS).toBe(true);
      }),
    );
  });
});
