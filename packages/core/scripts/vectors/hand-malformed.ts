/**
 * Hand-pinned: malformed flags (README "Malformed flags") answer ERROR / MALFORMED_FLAG for every
 * context, unless disabled (step 1); other flags of the snapshot keep working; unknown keys answer
 * FLAG_NOT_FOUND.
 */
import type { Condition, Flag, Segment } from '../../src/index.js';
import {
  booleanFlag,
  fallthrough,
  type HandCase,
  type HandFile,
  type HandSuite,
  MALFORMED,
  NOT_FOUND,
  off,
  ruleMatch,
  snapshot,
  stringFlag,
} from './hand.js';

/** A boolean flag whose only rule has the one `condition`. */
function withCondition(key: string, condition: Condition, overrides: Partial<Flag> = {}): Flag {
  return booleanFlag(key, {
    rules: [{ id: 'r', conditions: [condition], serve: { variant: 'on' } }],
    fallthrough: { variant: 'off' },
    ...overrides,
  });
}

const badOperands: [string, Condition][] = [
  ['bad-gt-string', { attribute: 'n', operator: 'gt', values: ['10'] }],
  ['bad-lt-boolean', { attribute: 'n', operator: 'lt', values: [true] }],
  ['bad-gte-second-value', { attribute: 'n', operator: 'gte', values: [1, 'two'] }],
  ['bad-contains-number', { attribute: 's', operator: 'contains', values: [1] }],
  ['bad-starts-with-boolean', { attribute: 's', operator: 'startsWith', values: [true] }],
  ['bad-ends-with-number', { attribute: 's', operator: 'endsWith', values: ['ok', 0] }],
  ['bad-semver-v', { attribute: 'v', operator: 'semverEq', values: ['v1.2.3'] }],
  ['bad-semver-short', { attribute: 'v', operator: 'semverGt', values: ['1.2'] }],
  ['bad-semver-number', { attribute: 'v', operator: 'semverLt', values: [1] }],
  ['bad-before-impossible', { attribute: 't', operator: 'before', values: ['2026-02-30'] }],
  ['bad-after-word', { attribute: 't', operator: 'after', values: ['tomorrow'] }],
  ['bad-before-boolean', { attribute: 't', operator: 'before', values: [true] }],
  ['bad-after-lowercase', { attribute: 't', operator: 'after', values: ['2026-11-22t10:00:00z'] }],
  ['bad-regex-paren', { attribute: 's', operator: 'matches', values: ['('] }],
  ['bad-regex-bracket', { attribute: 's', operator: 'matches', values: ['[a-'] }],
  ['bad-regex-number', { attribute: 's', operator: 'matches', values: [5] }],
  ['bad-in-segment-number', { attribute: '', operator: 'inSegment', values: [42] }],
];

function malformedSuite(): HandSuite {
  const segments: Segment[] = [
    { key: 'fine', included: ['user-1'] },
    {
      key: 'broken-operand',
      rules: [{ id: 'r', conditions: [{ attribute: 'n', operator: 'gt', values: ['ten'] }] }],
    },
    {
      key: 'nests',
      rules: [{ id: 'r', conditions: [{ attribute: '', operator: 'inSegment', values: ['fine'] }] }],
    },
  ];
  const weights = (...ws: number[]) => ({
    rollout: { variants: ws.map((weight, i) => ({ variant: i % 2 === 0 ? 'on' : 'off', weight })) },
  });
  const flags: Flag[] = [
    booleanFlag('healthy'),
    booleanFlag('uses-fine-segment', {
      rules: [
        {
          id: 'fine',
          conditions: [{ attribute: '', operator: 'inSegment', values: ['fine'] }],
          serve: { variant: 'off' },
        },
      ],
    }),
    booleanFlag('unknown-rule-variant', {
      rules: [{ id: 'r', conditions: [], serve: { variant: 'ghost' } }],
    }),
    booleanFlag('unknown-target-variant', { targets: [{ variant: 'ghost', keys: ['user-1'] }] }),
    booleanFlag('unknown-fallthrough-variant', { fallthrough: { variant: 'ghost' } }),
    booleanFlag('unknown-off-variant', { offVariant: 'ghost' }),
    booleanFlag('unknown-rollout-variant', {
      fallthrough: {
        rollout: {
          variants: [
            { variant: 'on', weight: 50_000 },
            { variant: 'ghost', weight: 50_000 },
          ],
        },
      },
    }),
    booleanFlag('unknown-zero-weight-variant', {
      fallthrough: {
        rollout: {
          variants: [
            { variant: 'on', weight: 100_000 },
            { variant: 'ghost', weight: 0 },
          ],
        },
      },
    }),
    booleanFlag('variant-names-are-case-sensitive', { fallthrough: { variant: 'On' } }),
    booleanFlag('boolean-with-string-value', {
      variants: [
        { key: 'on', value: 'true' },
        { key: 'off', value: false },
      ],
    }),
    booleanFlag('boolean-with-null-value', {
      variants: [
        { key: 'on', value: true },
        { key: 'off', value: null },
      ],
    }),
    {
      key: 'number-with-string-value',
      type: 'number',
      variants: [
        { key: 'one', value: '1' },
        { key: 'two', value: 2 },
      ],
      enabled: true,
      offVariant: 'two',
      fallthrough: { variant: 'two' },
    },
    stringFlag('string-with-number-value', ['a'], {
      variants: [
        { key: 'a', value: 'a' },
        { key: 'b', value: 1 },
      ],
    }),
    stringFlag('string-with-object-value', ['a'], { variants: [{ key: 'a', value: { a: 1 } }] }),
    booleanFlag('duplicate-variant-keys', {
      variants: [
        { key: 'on', value: true },
        { key: 'off', value: false },
        { key: 'on', value: false },
      ],
    }),
    booleanFlag('fallthrough-weights-under', { fallthrough: weights(50_000, 49_999) }),
    booleanFlag('fallthrough-weights-over', { fallthrough: weights(50_000, 50_001) }),
    booleanFlag('rule-weights-over', {
      rules: [{ id: 'r', conditions: [], serve: weights(60_000, 40_001) }],
    }),
    booleanFlag('weight-fraction', { fallthrough: weights(49_999.5, 50_000.5) }),
    booleanFlag('weight-negative', { fallthrough: weights(100_001, -1) }),
    booleanFlag('weight-over-total', { rules: [{ id: 'r', conditions: [], serve: weights(100_001) }] }),
    booleanFlag('unknown-segment', {
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: '', operator: 'inSegment', values: ['fine', 'ghost'] }],
          serve: { variant: 'on' },
        },
      ],
    }),
    booleanFlag('unknown-segment-negated', {
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: '', operator: 'inSegment', values: ['ghost'], negate: true }],
          serve: { variant: 'on' },
        },
      ],
    }),
    booleanFlag('malformed-segment', {
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: '', operator: 'inSegment', values: ['broken-operand'] }],
          serve: { variant: 'on' },
        },
      ],
    }),
    booleanFlag('nested-segment', {
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: '', operator: 'inSegment', values: ['nests'] }],
          serve: { variant: 'on' },
        },
      ],
    }),
    booleanFlag('broken-second-rule', {
      rules: [
        { id: 'everyone', conditions: [], serve: { variant: 'on' } },
        {
          id: 'broken',
          conditions: [{ attribute: 'n', operator: 'lt', values: ['x'] }],
          serve: { variant: 'off' },
        },
      ],
    }),
    ...badOperands.map(([key, condition]) => withCondition(key, condition)),
    // Disabled: step 1 serves the off variant before any of the configuration is looked at.
    booleanFlag('off-unknown-rule-variant', {
      enabled: false,
      rules: [{ id: 'r', conditions: [], serve: { variant: 'ghost' } }],
    }),
    booleanFlag('off-unknown-segment', {
      enabled: false,
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: '', operator: 'inSegment', values: ['ghost'] }],
          serve: { variant: 'on' },
        },
      ],
    }),
    booleanFlag('off-malformed-segment', {
      enabled: false,
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: '', operator: 'inSegment', values: ['broken-operand'] }],
          serve: { variant: 'on' },
        },
      ],
    }),
    booleanFlag('off-weights-over', { enabled: false, fallthrough: weights(50_000, 50_001) }),
    booleanFlag('off-fallthrough-weights-under', {
      enabled: false,
      offVariant: 'on',
      fallthrough: weights(1),
    }),
    withCondition('off-bad-operand', { attribute: 'n', operator: 'gt', values: ['10'] }, { enabled: false }),
    withCondition(
      'off-bad-regex',
      { attribute: 's', operator: 'matches', values: ['('] },
      { enabled: false },
    ),
    booleanFlag('off-unknown-target-variant', {
      enabled: false,
      targets: [{ variant: 'ghost', keys: ['user-1'] }],
    }),
  ];
  const contexts: [string, unknown][] = [
    ['user-1', { key: 'user-1', n: 5, s: 'x', v: '1.0.0', t: '2026-01-01' }],
    ['empty context', {}],
    ['null context', null],
  ];
  const broken = flags
    .map((flag) => flag.key)
    .filter((key) => key !== 'healthy' && key !== 'uses-fine-segment' && !key.startsWith('off-'));
  const cases: HandCase[] = [];
  for (const [label, context] of contexts) {
    cases.push({ name: `healthy: ${label}`, flag: 'healthy', context, expect: fallthrough('on') });
    for (const key of broken) cases.push({ name: `${key}: ${label}`, flag: key, context, expect: MALFORMED });
  }
  cases.push(
    {
      name: 'uses-fine-segment: in',
      flag: 'uses-fine-segment',
      context: { key: 'user-1' },
      expect: ruleMatch('off', 'fine'),
    },
    {
      name: 'uses-fine-segment: out',
      flag: 'uses-fine-segment',
      context: { key: 'user-2' },
      expect: fallthrough('on'),
    },
  );
  for (const flag of flags.filter((f) => f.key.startsWith('off-'))) {
    cases.push({
      name: `${flag.key}: disabled flag with a broken configuration serves OFF`,
      flag: flag.key,
      context: { key: 'user-1', n: 5 },
      expect: off(flag.offVariant),
    });
  }
  return {
    name: 'malformed flags',
    description:
      'Flags that cannot be compiled (unknown variants, values not fitting the type, duplicate variant keys, bad weights, unknown or malformed segments, operands not fitting their operator) answer ERROR / MALFORMED_FLAG for every context; disabled ones serve OFF; the rest of the snapshot works.',
    valid: false,
    snapshot: snapshot(flags, segments),
    cases,
  };
}

function notFoundSuite(): HandSuite {
  const flags = [booleanFlag('present')];
  const missing = ['absent', '', 'PRESENT', 'present ', ' present', 'presen', 'present.'];
  return {
    name: 'flag not found',
    description:
      'Evaluating a key that is not in the snapshot answers ERROR / FLAG_NOT_FOUND, with no value and no variant.',
    valid: true,
    snapshot: snapshot(flags),
    cases: [
      { name: 'present', flag: 'present', context: { key: 'u' }, expect: fallthrough('on') },
      ...missing.map((key) => ({
        name: `not found: ${JSON.stringify(key)}`,
        flag: key,
        context: { key: 'u' },
        expect: NOT_FOUND,
      })),
      { name: 'not found, null context', flag: 'absent', context: null, expect: NOT_FOUND },
    ],
  };
}

export const malformedFile: HandFile = {
  file: 'malformed.json',
  name: 'malformed',
  description: 'Hand-pinned: malformed flags, the kill switch over broken configurations, unknown flag keys.',
  suites: [malformedSuite(), notFoundSuite()],
};
