import fc from 'fast-check';
import { LIMITS } from '../src/limits.js';
import type { Condition, Flag, Operator, Segment, Serve, Snapshot } from '../src/model.js';
import { OPERATORS, TOTAL_WEIGHT } from '../src/model.js';

/** Small pools so that generated conditions, targets and segments often match generated contexts. */
const ATTRIBUTES = ['key', 'country', 'plan', 'age', 'version', 'signup', 'tags', '/address/city', 'missing'];
const STRINGS = [
  '',
  'NL',
  'DE',
  'pro',
  'free',
  'user-1',
  'user-2',
  'ü',
  '🚀',
  '1.2.3',
  '2.0.0-rc.1',
  '2026-01-01',
];
const NUMBERS = [0, -1, 1, 18, 42, 65, 1.5, 1e308, -1e308, 2 ** 53];

export const scalar = fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS), fc.boolean());

/** Contexts: any JSON value (objects mostly), sharing attribute names and values with the configs. */
export const context = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        key: fc.oneof(
          fc.constantFrom('user-1', 'user-2', 'user-3', ''),
          fc.string(),
          fc.integer(),
          fc.constant(null),
        ),
        country: fc.oneof(fc.constantFrom('NL', 'DE', 'US'), scalar, fc.array(scalar, { maxLength: 3 })),
        plan: scalar,
        age: fc.oneof(fc.integer({ min: -5, max: 120 }), scalar),
        version: fc.constantFrom('1.2.3', '2.0.0', '2.0.0-rc.1', 'v1', 7),
        signup: fc.oneof(fc.constantFrom('2025-06-01T00:00:00Z', '2026-02-30', 1_700_000_000_000), scalar),
        tags: fc.array(scalar, { maxLength: 3 }),
        address: fc.oneof(fc.record({ city: scalar }), scalar),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);

function operandFor(operator: Operator): fc.Arbitrary<Condition['values']> {
  switch (operator) {
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return fc.array(fc.constantFrom(...NUMBERS), { minLength: 1, maxLength: 3 });
    case 'semverEq':
    case 'semverLt':
    case 'semverGt':
      return fc.array(fc.constantFrom('1.2.3', '2.0.0', '2.0.0-rc.1'), { minLength: 1, maxLength: 2 });
    case 'before':
    case 'after':
      return fc.array(fc.constantFrom('2026-01-01', '2025-01-01T12:00:00+02:00', 1_750_000_000_000), {
        minLength: 1,
        maxLength: 2,
      });
    case 'matches':
      return fc.array(fc.constantFrom('^N', 'L$', '[a-z]+', 'user-\\d', '(pro|free)'), {
        minLength: 1,
        maxLength: 2,
      });
    case 'inSegment':
      return fc.array(fc.constantFrom('beta', 'staff'), { minLength: 1, maxLength: 2 });
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return fc.array(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 3 });
    default:
      return fc.array(scalar, { minLength: 1, maxLength: 4 });
  }
}

const condition = (operators: readonly Operator[]): fc.Arbitrary<Condition> =>
  fc.constantFrom(...operators).chain((operator) =>
    fc.record({
      attribute: fc.constantFrom(...ATTRIBUTES),
      operator: fc.constant(operator),
      values: operandFor(operator),
      negate: fc.boolean(),
    }),
  );

/** Weights that sum to `total` (or less, for rules) over the given variants. */
const weights = (variants: string[], exact: boolean) =>
  fc
    .array(fc.integer({ min: 0, max: TOTAL_WEIGHT }), {
      minLength: variants.length,
      maxLength: variants.length,
    })
    .map((raw) => {
      const sum = raw.reduce((a, b) => a + b, 0) || 1;
      const scaled = raw.map((w) => Math.floor((w * TOTAL_WEIGHT) / sum));
      const missing = TOTAL_WEIGHT - scaled.reduce((a, b) => a + b, 0);
      if (exact) scaled[0]! += missing;
      return variants.map((variant, i) => ({ variant, weight: scaled[i]! }));
    });

const serve = (variants: string[], exact: boolean): fc.Arbitrary<Serve> =>
  fc.oneof(
    fc.constantFrom(...variants).map((variant) => ({ variant })),
    fc.record({
      rollout: fc.record(
        {
          variants: weights(variants, exact),
          bucketBy: fc.constantFrom('key', 'country', 'age'),
          salt: fc.constantFrom('release-1', 'ü🚀', ''),
        },
        { requiredKeys: ['variants'] },
      ),
    }),
  );

const VARIANTS = ['on', 'off', 'blue'];

export const flag = (key: string, otherKeys: string[]): fc.Arbitrary<Flag> =>
  fc.record(
    {
      key: fc.constant(key),
      type: fc.constant('boolean' as const),
      variants: fc.constant([
        { key: 'on', value: true },
        { key: 'off', value: false },
        { key: 'blue', value: true },
      ]),
      enabled: fc.boolean(),
      offVariant: fc.constantFrom(...VARIANTS),
      targets: fc.array(
        fc.record({
          variant: fc.constantFrom(...VARIANTS),
          keys: fc.array(fc.constantFrom('user-1', 'user-2')),
        }),
        { maxLength: 2 },
      ),
      rules: fc.array(
        fc.record({
          id: fc.uuid(),
          conditions: fc.array(condition(OPERATORS), { maxLength: 3 }),
          serve: serve(VARIANTS, false),
        }),
        { maxLength: 4 },
      ),
      fallthrough: serve(VARIANTS, true),
      prerequisites:
        otherKeys.length === 0
          ? fc.constant([])
          : fc.array(
              fc.record({
                flag: fc.constantFrom(...otherKeys),
                variants: fc.subarray(VARIANTS, { minLength: 1 }),
              }),
              { maxLength: 2 },
            ),
    },
    { requiredKeys: ['key', 'type', 'variants', 'enabled', 'offVariant', 'fallthrough'] },
  );

const segment = (key: string): fc.Arbitrary<Segment> =>
  fc.record({
    key: fc.constant(key),
    included: fc.array(fc.constantFrom('user-1', 'user-2', 'user-3')),
    excluded: fc.array(fc.constantFrom('user-1', 'user-2', 'user-3')),
    rules: fc.array(
      fc.record({
        id: fc.uuid(),
        conditions: fc.array(condition(OPERATORS.filter((op) => op !== 'inSegment')), { maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
  });

/** Snapshots of 1–4 flags, where a flag may require only flags before it (so no cycles). */
export const snapshot: fc.Arbitrary<Snapshot> = fc.integer({ min: 1, max: 4 }).chain((count) => {
  const keys = Array.from({ length: count }, (_, i) => `flag-${i}`);
  return fc.record({
    version: fc.nat(),
    flags: fc.tuple(...keys.map((key, i) => flag(key, keys.slice(0, i)))),
    segments: fc.tuple(segment('beta'), segment('staff')),
  });
});

/**
 * Values that sit on the edges of what a configuration field accepts: empty, over a limit, of the wrong
 * type, or meaningful elsewhere in the model. Mixed with `fc.anything()` to fuzz one field at a time.
 */
export const edgeValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    'on',
    'x'.repeat(LIMITS.stringLength),
    'x'.repeat(LIMITS.stringLength + 1),
    'Not A Key',
    -1,
    0,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    TOTAL_WEIGHT + 1,
    true,
    [],
    {},
    [''],
    [1],
    'matches',
    'inSegment',
    'exists',
    'json',
    { variant: 'on' },
    { variant: 'on', rollout: undefined },
    Array.from({ length: LIMITS.variants + 1 }, (_, i) => ({ key: `v${i}`, value: true })),
  ),
  fc.anything(),
);

/** Replaces the n-th (mod count) nested value of a JSON tree, depth first, to fuzz one field at a time. */
export function replaceNthValue(tree: unknown, n: number, replacement: unknown): unknown {
  const slots: { parent: Record<string, unknown>; key: string }[] = [];
  const visit = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      slots.push({ parent: node as Record<string, unknown>, key });
      visit((node as Record<string, unknown>)[key]);
    }
  };
  visit(tree);
  const slot = slots[n % slots.length];
  if (slot) slot.parent[slot.key] = replacement;
  return tree;
}
