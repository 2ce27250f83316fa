import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from '../src/backoff.js';

describe('backoff with full jitter', () => {
  it('doubles from 500 ms up to the 30 s cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100, 5000].map((attempt) => backoffCeiling(attempt))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('spans the whole window: 0 with random 0, just under the ceiling with random → 1', () => {
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.999_999)).toBe(3_999);
    expect(backoffDelay(20, () => 0.5)).toBe(15_000);
  });

  it('adds the goaway hint as a minimum', () => {
    expect(backoffDelay(0, () => 0, 5_000)).toBe(5_000);
    expect(backoffDelay(0, () => 0.5, 5_000)).toBe(5_250);
  });

  it('property: every delay lies in [minimum, minimum + min(cap, base·2^attempt)) and never exceeds cap + minimum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 120_000 }),
        (attempt, unit, minimum) => {
          const delay = backoffDelay(attempt, () => unit, minimum);
          const ceiling = Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** attempt);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(minimum);
          expect(delay).toBeLessThan(minimum + Math.max(ceiling, 1));
          expect(delay - minimum).toBeLessThanOrEqual(DEFAULT_BACKOFF.capMs);
        },
      ),
    );
  });

  it('property: a misbehaving random source (NaN-free, out of range) still yields a delay in bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.double({ noNaN: true }), (attempt, value) => {
        const delay = backoffDelay(attempt, () => value);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(backoffCeiling(attempt));
      }),
    );
  });

  it('property: the ceiling never decreases with the attempt number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), (attempt) => {
        expect(backoffCeiling(attempt + 1)).toBeGreaterThanOrEqual(backoffCeiling(attempt));
      }),
    );
  });
});
