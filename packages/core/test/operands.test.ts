import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSemver, parseSemver } from '../src/semver.js';
import { toEpochMillis } from '../src/timestamps.js';

describe('semver', () => {
  it('orders the precedence example of semver.org §11', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '2.0.0',
      '10.0.0',
    ].map((text) => parseSemver(text)!);
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareSemver(ordered[i]!, ordered[i + 1]!)).toBeLessThan(0);
      expect(compareSemver(ordered[i + 1]!, ordered[i]!)).toBeGreaterThan(0);
    }
  });

  it('ignores build metadata and refuses loose forms', () => {
    expect(compareSemver(parseSemver('1.2.3+a')!, parseSemver('1.2.3+b')!)).toBe(0);
    for (const loose of ['v1.2.3', '1.2', '1', '01.2.3', '1.2.3-', '1.2.3-01', ' 1.2.3', '']) {
      expect(parseSemver(loose)).toBeUndefined();
    }
  });

  it('is a total order: antisymmetric and transitive', () => {
    const identifier = fc.oneof(
      fc.nat({ max: 20 }).map(String),
      fc.constantFrom('alpha', 'beta', 'rc', 'x-1'),
    );
    const version = fc
      .tuple(
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
        fc.array(identifier, { maxLength: 3 }),
      )
      .map(([a, b, c, pre]) => parseSemver(`${a}.${b}.${c}${pre.length ? `-${pre.join('.')}` : ''}`)!);
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(Math.sign(compareSemver(a, b)) + Math.sign(compareSemver(b, a))).toBe(0);
        if (compareSemver(a, b) <= 0 && compareSemver(b, c) <= 0)
          expect(compareSemver(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('timestamps', () => {
  it('read every valid RFC 3339 instant as Date does', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          expect(toEpochMillis(date.toISOString())).toBe(date.getTime());
          const day = date.toISOString().slice(0, 10);
          expect(toEpochMillis(day)).toBe(new Date(day).getTime());
        },
      ),
    );
  });

  it('apply offsets and truncate fractions to milliseconds', () => {
    expect(toEpochMillis('2026-11-22T10:00:00+01:00')).toBe(Date.UTC(2026, 10, 22, 9));
    expect(toEpochMillis('2026-11-22T10:00:00.123999999Z')).toBe(Date.UTC(2026, 10, 22, 10, 0, 0, 123));
    expect(toEpochMillis('0050-01-01')).toBe(-60_589_296_000_000);
    expect(toEpochMillis(1_700_000_000_000)).toBe(1_700_000_000_000);
  });

  it('refuse impossible and loose forms', () => {
    for (const text of [
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-11-22T24:00:00Z',
      '2026-11-22 10:00:00Z',
      '2026-11-22T10:00:00',
      '2026-11-22t10:00:00z',
      'yesterday',
      '',
    ]) {
      expect(toEpochMillis(text)).toBeUndefined();
    }
    expect(toEpochMillis('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(toEpochMillis(Number.NaN)).toBeUndefined();
    expect(toEpochMillis(true)).toBeUndefined();
  });
});
