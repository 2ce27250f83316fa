import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFlags } from '../src/compile-snapshot.js';
import { LIMITS } from '../src/limits.js';
import type { Flag, Segment, Snapshot } from '../src/model.js';
import { ALL_OPERATORS } from '../src/operators/all.js';
import { BASIC_OPERATORS } from '../src/operators/basic.js';
import { DATE_OPERATORS } from '../src/operators/dates.js';
import { RESULT_TAG } from '../src/result.js';
import { isFlagShaped, isSegmentShaped } from '../src/shape.js';
import { asContext } from '../src/typed-detail.js';
import { flagShapeIssues, segmentShapeIssues } from '../src/validate.js';
import { context, edgeValue, replaceNthValue, snapshot } from './arbitraries.js';
import { booleanFlag } from './fixtures.js';

/** Snapshots with up to three fields replaced by edge values. */
const broken = fc
  .tuple(snapshot, fc.array(fc.tuple(fc.nat(2_000), edgeValue), { minLength: 1, maxLength: 3 }))
  .map(([config, replacements]) => {
    const copy = structuredClone(config);
    for (const [n, value] of replacements) replaceNthValue(copy, n, structuredClone(value));
    return copy as Snapshot;
  });

describe('the shape gate', () => {
  it('property: accepts exactly the flags and segments the validator finds no shape issue in (unknown fields allowed)', () => {
    let rejected = 0;
    fc.assert(
      fc.property(broken, (config) => {
        for (const flag of Array.isArray(config.flags) ? config.flags : []) {
          const sound = flagShapeIssues(flag, { allowUnknownFields: true }).length === 0;
          expect(isFlagShaped(flag), JSON.stringify(flag)).toBe(sound);
          if (!sound) rejected++;
        }
        for (const segment of Array.isArray(config.segments) ? config.segments : []) {
          const sound = segmentShapeIssues(segment, { allowUnknownFields: true }).length === 0;
          expect(isSegmentShaped(segment), JSON.stringify(segment)).toBe(sound);
        }
      }),
      { numRuns: 3_000 },
    );
    // The mutations do reach the gate's rules: a good share of the flags is refused.
    expect(rejected).toBeGreaterThan(500);
  });
});

describe('the shape gate at each list limit', () => {
  const condition = { attribute: 'country', operator: 'in' as const, values: ['NL'] };
  const rule = { id: 'r', conditions: [condition], serve: { variant: 'on' } };
  const times = <T>(count: number, item: (index: number) => T): T[] =>
    Array.from({ length: count }, (_, i) => item(i));
  const flagCases: [string, (count: number) => Partial<Flag>, number][] = [
    [
      'variants',
      (n) => ({
        variants: times(n, (i) => ({ key: i === 0 ? 'on' : `v${i}`, value: i === 1 ? false : true })),
      }),
      LIMITS.variants,
    ],
    ['targets', (n) => ({ targets: times(n, () => ({ variant: 'on', keys: ['u'] })) }), LIMITS.variants],
    [
      'target keys',
      (n) => ({ targets: [{ variant: 'on', keys: times(n, (i) => `u${i}`) }] }),
      LIMITS.targetKeys,
    ],
    ['rules', (n) => ({ rules: times(n, () => rule) }), LIMITS.rules],
    [
      'conditions',
      (n) => ({ rules: [{ ...rule, conditions: times(n, () => condition) }] }),
      LIMITS.conditions,
    ],
    [
      'condition values',
      (n) => ({ rules: [{ ...rule, conditions: [{ ...condition, values: times(n, (i) => `c${i}`) }] }] }),
      LIMITS.conditionValues,
    ],
    [
      'rollout variants',
      (n) => ({
        fallthrough: {
          rollout: { variants: times(n, (i) => ({ variant: 'on', weight: i === 0 ? 100_000 : 0 })) },
        },
      }),
      LIMITS.variants,
    ],
    [
      'prerequisites',
      (n) => ({ prerequisites: times(n, () => ({ flag: 'other', variants: ['on'] })) }),
      LIMITS.variants,
    ],
    [
      'prerequisite variants',
      (n) => ({ prerequisites: [{ flag: 'other', variants: times(n, () => 'on') }] }),
      LIMITS.variants,
    ],
  ];
  it.each(flagCases)('%s: as the validator, accepts the limit and refuses one more', (_, make, limit) => {
    for (const [count, accepted] of [
      [limit, true],
      [limit + 1, false],
    ] as const) {
      const flag = booleanFlag('f', make(count));
      expect(flagShapeIssues(flag, { allowUnknownFields: true }).length === 0).toBe(accepted);
      expect(isFlagShaped(flag)).toBe(accepted);
    }
  });

  const segmentCases: [string, (count: number) => Partial<Segment>, number][] = [
    ['included', (n) => ({ included: times(n, (i) => `u${i}`) }), LIMITS.segmentKeys],
    ['excluded', (n) => ({ excluded: times(n, (i) => `u${i}`) }), LIMITS.segmentKeys],
    [
      'segment rules',
      (n) => ({ rules: times(n, () => ({ id: 'r', conditions: [condition] })) }),
      LIMITS.rules,
    ],
    [
      'segment rule conditions',
      (n) => ({ rules: [{ id: 'r', conditions: times(n, () => condition) }] }),
      LIMITS.conditions,
    ],
  ];
  it.each(segmentCases)('%s: as the validator, accepts the limit and refuses one more', (_, make, limit) => {
    for (const [count, accepted] of [
      [limit, true],
      [limit + 1, false],
    ] as const) {
      const segment = { key: 's', ...make(count) };
      expect(segmentShapeIssues(segment, { allowUnknownFields: true }).length === 0).toBe(accepted);
      expect(isSegmentShaped(segment)).toBe(accepted);
    }
  });
});

describe('compileFlags', () => {
  const matching = (key: string): Flag =>
    booleanFlag(key, {
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: 'email', operator: 'matches', values: ['@example\\.com$'] }],
          serve: { variant: 'off' },
        },
      ],
    });
  const datedSegment: Segment = {
    key: 'early',
    rules: [{ id: 'r', conditions: [{ attribute: 'signup', operator: 'before', values: ['2020-01-01'] }] }],
  };
  const inEarly = booleanFlag('early-birds', {
    rules: [
      {
        id: 'r',
        conditions: [{ attribute: 'key', operator: 'inSegment', values: ['early'] }],
        serve: { variant: 'off' },
      },
    ],
  });
  const config: Snapshot = {
    version: 3,
    flags: [
      booleanFlag('plain'),
      matching('by-email'),
      inEarly,
      { ...matching('switched-off'), enabled: false },
    ],
    segments: [datedSegment],
  };

  it('reports the operators its table lacks, directly or through a segment, and those flags only are MALFORMED_FLAG', () => {
    const compiled = compileFlags(config, BASIC_OPERATORS);
    expect([...compiled.missingOperators].sort()).toEqual(['before', 'matches']);
    const reason = (key: string) => compiled.flags.get(key)?.evaluate({ key: 'u' });
    expect(reason('plain')).toMatchObject({ reason: 'FALLTHROUGH' });
    expect(reason('by-email')).toMatchObject({ errorCode: 'MALFORMED_FLAG' });
    expect(reason('early-birds')).toMatchObject({ errorCode: 'MALFORMED_FLAG' });
    // A disabled flag needs none of its rules' operators.
    expect(reason('switched-off')).toMatchObject({ reason: 'OFF' });
    const withDates = compileFlags(config, { ...BASIC_OPERATORS, ...DATE_OPERATORS });
    expect([...withDates.missingOperators]).toEqual(['matches']);
    expect(withDates.flags.get('early-birds')?.evaluate({ key: 'u', signup: '2019-05-01' })).toMatchObject({
      ruleId: 'r',
    });
    expect(compileFlags(config, ALL_OPERATORS).missingOperators.size).toBe(0);
  });

  it('attaches one tag per flag and variant to every result serving it, invisible to equality and JSON', () => {
    const tags: { flag: string; variant: string }[] = [];
    const tagger = (flag: string, variant: string) => {
      const tag = { flag, variant };
      tags.push(tag);
      return tag;
    };
    const tagged = compileFlags(config, ALL_OPERATORS, tagger);
    const plain = compileFlags(config, ALL_OPERATORS);
    // Each pair is tagged once, however many results (reasons, rules) serve it.
    expect(new Set(tags.map((tag) => `${tag.flag}/${tag.variant}`)).size).toBe(tags.length);
    fc.assert(
      fc.property(fc.constantFrom(...tagged.flags.keys()), context, (key, ctx) => {
        const result = tagged.flags.get(key)!.evaluate(asContext(ctx));
        const untagged = plain.flags.get(key)!.evaluate(asContext(ctx));
        expect(isDeepStrictEqual(result, untagged)).toBe(true);
        expect(result).toStrictEqual(untagged);
        expect(JSON.stringify(result)).toBe(JSON.stringify(untagged));
        const tag = (result as unknown as Record<symbol, { flag: string; variant: string }>)[RESULT_TAG];
        if (result.reason === 'ERROR') expect(tag).toBeUndefined();
        else expect(tag).toEqual({ flag: key, variant: result.variant });
      }),
      { numRuns: 300 },
    );
  });
});
