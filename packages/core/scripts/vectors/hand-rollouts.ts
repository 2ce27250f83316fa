/**
 * Hand-pinned: rollouts and bucketing (README "Bucketing", "Evaluation order" steps 5 and 6). Which
 * variant a bucketable context gets is derived from the reference murmurhash package and the weight
 * intervals (reference.ts), never from the evaluator; what happens to contexts that cannot be bucketed,
 * or that fall in a rule's unassigned remainder, is written by hand.
 */
import type { Flag, Rollout } from '../../src/index.js';
import { raw } from './format.js';
import {
  bucketIn,
  describeValue,
  fallthrough,
  type HandCase,
  type HandExpectation,
  type HandFile,
  type HandSuite,
  serves,
  snapshot,
  splitBy,
  stringFlag,
  target,
  unbucketed,
} from './hand.js';
import { referenceBucket } from './reference.js';

const c = (name: string, flag: string, context: unknown, expect: HandExpectation): HandCase => ({
  name,
  flag,
  context,
  expect,
});

function rollout(weights: [string, number][], options: Omit<Rollout, 'variants'> = {}): { rollout: Rollout } {
  return { rollout: { ...options, variants: weights.map(([variant, weight]) => ({ variant, weight })) } };
}

/** A string flag with variants `off` (the off variant) plus `variants`. */
function splitFlag(key: string, variants: string[], overrides: Partial<Flag>): Flag {
  return stringFlag(key, ['off', ...variants], { offVariant: 'off', ...overrides });
}

/** The expectation of a context that a flag's fallthrough rollout must bucket. */
function mustSplit(flag: Flag, ruleId: string | undefined, context: unknown): HandExpectation {
  const expected = splitBy(flag, ruleId, context);
  if (expected === undefined) throw new Error(`${flag.key}: ${JSON.stringify(context)} must be bucketed`);
  return expected;
}

const KEYS = Array.from({ length: 60 }, (_, i) => `user-${i}`);
const VARIED_KEYS = [
  'a',
  'ab',
  'abc',
  'abcd',
  'abcde',
  'abcdef',
  'abcdefg',
  'abcdefgh',
  '0',
  '-1',
  'key with spaces',
  'UPPER',
  'x'.repeat(100),
  '550e8400-e29b-41d4-a716-446655440000',
  'user@example.com',
  '',
];

function basicSuite(): HandSuite {
  const split50 = splitFlag('split-50', ['a', 'b'], {
    fallthrough: rollout([
      ['a', 50_000],
      ['b', 50_000],
    ]),
  });
  const split3 = splitFlag('split-3', ['a', 'b', 'c'], {
    targets: [{ variant: 'c', keys: ['vip'] }],
    fallthrough: rollout([
      ['a', 33_334],
      ['b', 33_333],
      ['c', 33_333],
    ]),
  });
  const zero = splitFlag('zero-weights', ['a', 'b', 'c'], {
    fallthrough: rollout([
      ['a', 0],
      ['b', 100_000],
      ['c', 0],
    ]),
  });
  const zeroMixed = splitFlag('zero-weights-mixed', ['a', 'b', 'c', 'd'], {
    fallthrough: rollout([
      ['a', 0],
      ['b', 30_000],
      ['c', 0],
      ['d', 70_000],
    ]),
  });
  const allOne = splitFlag('all-one', ['on'], { fallthrough: rollout([['on', 100_000]]) });
  const flags = [split50, split3, zero, zeroMixed, allOne];
  const cases: HandCase[] = [];
  for (const key of [...KEYS.slice(0, 30), ...VARIED_KEYS]) {
    cases.push(
      c(`split-50: ${JSON.stringify(key)}`, 'split-50', { key }, mustSplit(split50, undefined, { key })),
    );
  }
  for (const key of KEYS) {
    cases.push(c(`split-3: ${key}`, 'split-3', { key }, mustSplit(split3, undefined, { key })));
  }
  cases.push(c('split-3: a targeted key is not bucketed', 'split-3', { key: 'vip' }, target('c')));
  for (const key of KEYS.slice(0, 10)) {
    const expect = serves('b', 'SPLIT');
    const reference = mustSplit(zero, undefined, { key });
    if (reference.reason === 'ERROR' || reference.variant !== 'b') throw new Error('only b has weight');
    cases.push(c(`zero-weights: ${key} gets the only weighted variant`, 'zero-weights', { key }, expect));
  }
  for (const key of KEYS.slice(0, 20)) {
    const expect = mustSplit(zeroMixed, undefined, { key });
    if (expect.reason === 'ERROR' || expect.variant === 'a' || expect.variant === 'c')
      throw new Error('0-weight variants own no bucket');
    cases.push(c(`zero-weights-mixed: ${key}`, 'zero-weights-mixed', { key }, expect));
  }
  for (const key of ['user-1', '', '🦄']) {
    cases.push(c(`all-one: ${JSON.stringify(key)}`, 'all-one', { key }, serves('on', 'SPLIT')));
  }
  cases.push(c('all-one: no key → DEFAULT with the off variant', 'all-one', {}, unbucketed('off')));
  return {
    name: 'fallthrough rollouts',
    description:
      'bucket = murmur3_x86_32(utf8(salt + ":" + key), seed 0) mod 100000, salt = flag key; variant i owns [sum of weights before it, that sum + its weight); 0-weight variants own nothing; targets come first; a context without a key is not bucketed and gets the off variant with reason DEFAULT.',
    valid: true,
    snapshot: snapshot(flags),
    cases,
  };
}

function ruleRolloutsSuite(): HandSuite {
  const partial = splitFlag('rule-partial', ['a', 'b', 'c', 'z'], {
    rules: [
      {
        id: 'first',
        conditions: [],
        serve: rollout([
          ['a', 20_000],
          ['b', 10_000],
        ]),
      },
      { id: 'second', conditions: [], serve: rollout([['c', 50_000]], { salt: 'second' }) },
    ],
    fallthrough: { variant: 'z' },
  });
  const thenSplit = splitFlag('rule-then-split', ['a', 'b', 'c'], {
    rules: [{ id: 'ten-percent', conditions: [], serve: rollout([['a', 10_000]]) }],
    fallthrough: rollout(
      [
        ['b', 50_000],
        ['c', 50_000],
      ],
      { salt: 'ft' },
    ),
  });
  const fullRule = splitFlag('rule-full', ['a', 'b', 'z'], {
    rules: [
      {
        id: 'dutch',
        conditions: [{ attribute: 'country', operator: 'equals', values: ['NL'] }],
        serve: rollout([
          ['a', 40_000],
          ['b', 60_000],
        ]),
      },
    ],
    fallthrough: { variant: 'z' },
  });
  const byDevice = splitFlag('rule-by-device', ['on', 'fallback'], {
    rules: [
      {
        id: 'dutch-devices',
        conditions: [{ attribute: 'country', operator: 'equals', values: ['NL'] }],
        serve: rollout([['on', 100_000]], { bucketBy: 'device' }),
      },
    ],
    fallthrough: { variant: 'fallback' },
  });
  const flags = [partial, thenSplit, fullRule, byDevice];
  const cases: HandCase[] = [];
  let remainders = 0;
  for (const key of KEYS) {
    const context = { key };
    const first = splitBy(partial, 'first', context);
    const second = splitBy(partial, 'second', context);
    let expect: HandExpectation;
    let how: string;
    if (first) {
      expect = first;
      how = 'first rule';
    } else if (second) {
      expect = second;
      how = `bucket ${bucketIn(partial, 'first', context)} ≥ 30000 in the first rule: second rule`;
    } else {
      expect = fallthrough('z');
      how = `in both remainders (${bucketIn(partial, 'first', context)} ≥ 30000, ${bucketIn(partial, 'second', context)} ≥ 50000): fallthrough`;
    }
    if (!first) remainders++;
    cases.push(c(`rule-partial: ${key}: ${how}`, 'rule-partial', context, expect));
  }
  if (remainders === 0) throw new Error('no key fell in a remainder');
  for (const key of KEYS.slice(0, 30)) {
    const context = { key };
    const inRule = splitBy(thenSplit, 'ten-percent', context);
    cases.push(
      c(
        `rule-then-split: ${key}: ${inRule ? 'rule' : `bucket ${bucketIn(thenSplit, 'ten-percent', context)} ≥ 10000: fallthrough rollout`}`,
        'rule-then-split',
        context,
        inRule ?? mustSplit(thenSplit, undefined, context),
      ),
    );
  }
  for (const key of KEYS.slice(0, 10)) {
    const context = { key, country: 'NL' };
    cases.push(c(`rule-full: ${key}, NL`, 'rule-full', context, mustSplit(fullRule, 'dutch', context)));
  }
  cases.push(
    c('rule-full: conditions fail', 'rule-full', { key: 'user-1', country: 'BE' }, fallthrough('z')),
    c('rule-full: no key: rule skipped', 'rule-full', { country: 'NL' }, fallthrough('z')),
    c(
      'rule-by-device: no device: rule skipped',
      'rule-by-device',
      { key: 'u', country: 'NL' },
      fallthrough('fallback'),
    ),
    c(
      'rule-by-device: null device: rule skipped',
      'rule-by-device',
      { key: 'u', country: 'NL', device: null },
      fallthrough('fallback'),
    ),
    c(
      'rule-by-device: boolean device: rule skipped',
      'rule-by-device',
      { country: 'NL', device: true },
      fallthrough('fallback'),
    ),
    c(
      'rule-by-device: device',
      'rule-by-device',
      { country: 'NL', device: 'd-1' },
      serves('on', 'SPLIT', 'dutch-devices'),
    ),
    c(
      'rule-by-device: integer device',
      'rule-by-device',
      { country: 'NL', device: 7 },
      serves('on', 'SPLIT', 'dutch-devices'),
    ),
    c(
      'rule-by-device: conditions fail',
      'rule-by-device',
      { country: 'BE', device: 'd-1' },
      fallthrough('fallback'),
    ),
  );
  return {
    name: 'rule rollouts',
    description:
      'A rule rollout whose weights sum to less than 100000 leaves the remainder unassigned: a context bucketed there, or one that cannot be bucketed, does not match the rule and evaluation continues with the next rule. SPLIT from a rule carries the rule id.',
    valid: true,
    snapshot: snapshot(flags),
    cases,
  };
}

function boundarySuite(): HandSuite {
  // One key and salt for every flag, so all share one bucket b; the weights put b exactly on an edge.
  const salt = 'edge';
  const key = KEYS.find((k) => {
    const b = referenceBucket(`${salt}:${k}`);
    return b > 1 && b < 99_998;
  })!;
  const b = referenceBucket(`${salt}:${key}`);
  const flag = (name: string, overrides: Partial<Flag>) => splitFlag(name, ['a', 'b', 'c', 'z'], overrides);
  const flags = [
    flag('edge-at-bound', {
      fallthrough: rollout(
        [
          ['a', b],
          ['b', 100_000 - b],
        ],
        { salt },
      ),
    }),
    flag('edge-below-bound', {
      fallthrough: rollout(
        [
          ['a', b + 1],
          ['b', 99_999 - b],
        ],
        { salt },
      ),
    }),
    flag('edge-zero-first', {
      fallthrough: rollout(
        [
          ['a', 0],
          ['b', b],
          ['c', 100_000 - b],
        ],
        { salt },
      ),
    }),
    flag('edge-last-bucket', {
      fallthrough: rollout(
        [
          ['a', b + 1],
          ['b', 0],
          ['c', 99_999 - b],
        ],
        { salt },
      ),
    }),
    flag('edge-rule-at-sum', {
      rules: [{ id: 'r', conditions: [], serve: rollout([['a', b]], { salt }) }],
      fallthrough: { variant: 'z' },
    }),
    flag('edge-rule-above-sum', {
      rules: [{ id: 'r', conditions: [], serve: rollout([['a', b + 1]], { salt }) }],
      fallthrough: { variant: 'z' },
    }),
    flag('edge-rule-second-at', {
      rules: [
        {
          id: 'r',
          conditions: [],
          serve: rollout(
            [
              ['a', b - 1],
              ['b', 1],
            ],
            { salt },
          ),
        },
      ],
      fallthrough: { variant: 'z' },
    }),
    flag('edge-rule-zero', {
      rules: [{ id: 'r', conditions: [], serve: rollout([['a', 0]], { salt }) }],
      fallthrough: { variant: 'z' },
    }),
  ];
  const context = { key };
  const at = `bucket ${b}`;
  return {
    name: 'weight boundaries',
    description: `Key ${JSON.stringify(key)} with salt "edge" has bucket ${b}; the weights put that bucket exactly on interval edges. Intervals are half-open: [lower, upper).`,
    valid: true,
    snapshot: snapshot(flags),
    cases: [
      c(`${at} = a's upper bound ${b}: b`, 'edge-at-bound', context, serves('b', 'SPLIT')),
      c(`${at} < a's upper bound ${b + 1}: a`, 'edge-below-bound', context, serves('a', 'SPLIT')),
      c(`${at}: a owns nothing, b owns [0, ${b}): c`, 'edge-zero-first', context, serves('c', 'SPLIT')),
      c(`${at}: a owns [0, ${b + 1})`, 'edge-last-bucket', context, serves('a', 'SPLIT')),
      c(`${at} in the remainder [${b}, 100000): next rule`, 'edge-rule-at-sum', context, fallthrough('z')),
      c(`${at} < ${b + 1}: rule serves`, 'edge-rule-above-sum', context, serves('a', 'SPLIT', 'r')),
      c(`${at}: b owns [${b - 1}, ${b})`, 'edge-rule-second-at', context, fallthrough('z')),
      c('a rule with weight 0 serves nobody', 'edge-rule-zero', context, fallthrough('z')),
    ],
  };
}

function bucketBySuite(): HandSuite {
  const byOrg = splitFlag('by-org', ['a', 'b', 'c', 'd'], {
    fallthrough: rollout(
      [
        ['a', 25_000],
        ['b', 25_000],
        ['c', 25_000],
        ['d', 25_000],
      ],
      { bucketBy: 'org' },
    ),
  });
  const byKey = splitFlag('by-key', ['a', 'b', 'c', 'd'], {
    fallthrough: rollout([
      ['a', 25_000],
      ['b', 25_000],
      ['c', 25_000],
      ['d', 25_000],
    ]),
  });
  const flags = [byOrg, byKey];
  const bucketable: [unknown, string][] = [
    ['acme', 'a string'],
    ['globex', 'a string'],
    ['', 'the empty string'],
    [42, 'an integer, hashed as "42"'],
    ['42', 'the string "42": same input as 42'],
    [-7, 'a negative integer, hashed as "-7"'],
    [0, 'zero, hashed as "0"'],
    [9_007_199_254_740_991, 'the largest safe integer'],
    [-9_007_199_254_740_991, 'the smallest safe integer'],
    [raw('42.0'), 'the JSON number 42.0 is the integer 42'],
    [raw('1e3'), 'the JSON number 1e3 is the integer 1000'],
    [raw('1.5e1'), 'the JSON number 1.5e1 is the integer 15'],
  ];
  const unbucketable: [unknown, string][] = [
    [4.5, 'a fraction'],
    [true, 'a boolean'],
    [false, 'a boolean'],
    [null, 'null'],
    [{}, 'an object'],
    [{ id: 'acme' }, 'an object'],
    [['acme'], 'an array'],
    [[], 'an empty array'],
    [raw('9007199254740993'), '2^53 is not a safe integer'],
    [9_007_199_254_740_992, '2^53 is not a safe integer'],
    [1e21, 'not a safe integer'],
    [-1e300, 'not a safe integer'],
  ];
  const cases: HandCase[] = [];
  for (const [org, label] of bucketable) {
    for (const key of ['user-1', 'user-2']) {
      const context = { key, org };
      cases.push(
        c(
          `by-org: ${describeValue(org)}, ${label}, ${key}`,
          'by-org',
          context,
          mustSplit(byOrg, undefined, context),
        ),
      );
    }
  }
  for (const [org, label] of unbucketable) {
    cases.push(
      c(
        `by-org: ${describeValue(org)}, ${label}, is not bucketable`,
        'by-org',
        { key: 'user-1', org },
        unbucketed('off'),
      ),
    );
  }
  cases.push(c('by-org: absent is not bucketable', 'by-org', { key: 'user-1' }, unbucketed('off')));
  for (const [keyValue, label] of bucketable) {
    const context = { key: keyValue };
    cases.push(
      c(
        `by-key: ${describeValue(keyValue)}, ${label}`,
        'by-key',
        context,
        mustSplit(byKey, undefined, context),
      ),
    );
  }
  for (const [keyValue, label] of unbucketable) {
    cases.push(
      c(
        `by-key: ${describeValue(keyValue)}, ${label}, is not bucketable`,
        'by-key',
        { key: keyValue },
        unbucketed('off'),
      ),
    );
  }
  return {
    name: 'bucketBy values',
    description:
      'Bucketable values: a string (its UTF-8 bytes) or a safe integer (its decimal digits, so 42, 42.0 and "42" bucket alike). Fractions, booleans, null, objects, arrays and integers beyond 2^53-1 are not bucketable: the fallthrough serves the off variant with DEFAULT.',
    valid: true,
    snapshot: snapshot(flags),
    cases,
  };
}

function saltsSuite(): HandSuite {
  const weights: [string, number][] = [
    ['on', 30_000],
    ['off', 70_000],
  ];
  const flags = [
    stringFlag('release-flag-a', ['off', 'on'], { fallthrough: rollout(weights, { salt: 'release-7' }) }),
    stringFlag('release-flag-b', ['off', 'on'], { fallthrough: rollout(weights, { salt: 'release-7' }) }),
    stringFlag('salt-empty', ['off', 'on'], { fallthrough: rollout(weights, { salt: '' }) }),
    stringFlag('salt-unicode', ['off', 'on'], { fallthrough: rollout(weights, { salt: 'café-☕' }) }),
    stringFlag('salt-with-colon', ['off', 'on'], { fallthrough: rollout(weights, { salt: 'a:b' }) }),
    ...[10_000, 50_000, 90_000].map((weight) =>
      stringFlag(`ramp-${weight / 1000}`, ['off', 'on'], {
        fallthrough: rollout(
          [
            ['on', weight],
            ['off', 100_000 - weight],
          ],
          { salt: 'ramp' },
        ),
      }),
    ),
  ];
  const cases: HandCase[] = [];
  for (const flag of flags) {
    for (const key of KEYS.slice(0, 20)) {
      cases.push(c(`${flag.key}: ${key}`, flag.key, { key }, mustSplit(flag, undefined, { key })));
    }
  }
  return {
    name: 'salts',
    description:
      'A rollout salt replaces the flag key in the hash input: flags sharing a salt put a key in the same bucket (release-flag-a and -b; ramp-10/50/90, where raising the weight only adds keys); the empty salt gives ":key".',
    valid: true,
    snapshot: snapshot(flags),
    cases,
  };
}

function unicodeSuite(): HandSuite {
  const flag = splitFlag('unicode-split', ['a', 'b', 'c', 'd', 'e'], {
    fallthrough: rollout([
      ['a', 20_000],
      ['b', 20_000],
      ['c', 20_000],
      ['d', 20_000],
      ['e', 20_000],
    ]),
  });
  const keys: [string, string][] = [
    ['jos\u00e9', 'precomposed é (2 UTF-8 bytes)'],
    ['jose\u0301', 'e + combining acute (NFD)'],
    ['Zo\u00eb', 'ë'],
    ['ñandú', 'Spanish'],
    ['straße', 'ß'],
    ['Ω', 'Greek'],
    ['ключ', 'Cyrillic'],
    ['北京', 'CJK (3 UTF-8 bytes each)'],
    ['東京都', 'CJK'],
    ['ユーザー-1', 'katakana'],
    ['사용자', 'Hangul'],
    ['مستخدم', 'Arabic'],
    ['😀', 'emoji (surrogate pair, 4 UTF-8 bytes)'],
    ['🦄🦄', 'two emoji'],
    ['👨\u200d👩\u200d👧', 'ZWJ sequence'],
    ['👍🏽', 'emoji with modifier'],
    ['\u{10ffff}', 'the last code point'],
    ['\u0000', 'NUL'],
    ['\u007f', 'DEL'],
    ['\u0080', 'first 2-byte code point'],
    ['\u07ff', 'last 2-byte code point'],
    ['\u0800', 'first 3-byte code point'],
    ['\uffff', 'last BMP code point'],
    ['\ufffd', 'U+FFFD itself'],
    ['\ud800', 'lone high surrogate: hashed as U+FFFD'],
    ['\udc00', 'lone low surrogate: hashed as U+FFFD'],
    ['a\ud83db', 'lone high surrogate inside'],
    ['\ude00\ud83d', 'reversed surrogate pair: two U+FFFD'],
    ['x\ud83d', 'lone high surrogate at the end'],
  ];
  const cases = keys.map(([key, label]) =>
    c(`${label}: ${JSON.stringify(key)}`, 'unicode-split', { key }, mustSplit(flag, undefined, { key })),
  );
  // A lone surrogate is encoded as U+FFFD, so it lands where U+FFFD does.
  const fffd = referenceBucket('unicode-split:\ufffd');
  if (referenceBucket('unicode-split:\ud800') !== fffd || referenceBucket('unicode-split:\udc00') !== fffd)
    throw new Error('the reference hashes lone surrogates as U+FFFD');
  return {
    name: 'non-ASCII bucketing',
    description:
      'Keys are hashed as UTF-8 (no normalization): accents, CJK, emoji, boundaries of the UTF-8 length classes, and lone surrogates, which are encoded as U+FFFD (as TextEncoder does) and so bucket like "\\ufffd".',
    valid: true,
    snapshot: snapshot([flag]),
    cases,
  };
}

export const rolloutsFile: HandFile = {
  file: 'rollouts.json',
  name: 'rollouts',
  description:
    'Hand-pinned: percentage rollouts and bucketing. Expected variants come from the reference murmurhash package and the weights, not from the evaluator.',
  suites: [basicSuite(), ruleRolloutsSuite(), boundarySuite(), bucketBySuite(), saltsSuite(), unicodeSuite()],
};
