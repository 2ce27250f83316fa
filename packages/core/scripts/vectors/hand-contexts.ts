/**
 * Hand-pinned: how contexts are read (README "Contexts and attributes", "Conditions"): array attributes,
 * JSON pointers, own properties only, non-object contexts, non-string keys, Unicode.
 */
import type { Condition } from '../../src/index.js';
import { raw } from './format.js';
import {
  ABSENT,
  type ConditionTable,
  conditionFlag,
  conditionSuite,
  contextCases,
  fallthrough,
  type HandCase,
  type HandFile,
  type HandSuite,
  ruleMatch,
  snapshot,
  stringFlag,
  target,
  unbucketed,
} from './hand.js';

const arraysSuite = conditionSuite(
  'array attributes',
  'An array attribute satisfies a condition when any element (other than null and nested arrays) passes; negate inverts that "any", so a negated condition holds on an empty array.',
  [
    {
      flag: 'array-in',
      condition: { attribute: 'country', operator: 'in', values: ['US'] },
      rows: [
        [['FR', 'US'], true],
        [['US'], true],
        [['FR'], false],
        [[], false, 'no element passes'],
        [[null, 'US'], true, 'null elements are skipped'],
        [[['US']], false, 'nested arrays are skipped'],
        [['us'], false],
        [[{ country: 'US' }], false, 'an object element is not a scalar'],
        [['FR', ['US'], null], false],
      ],
    },
    {
      flag: 'array-in-negated',
      condition: { attribute: 'country', operator: 'in', values: ['US'], negate: true },
      rows: [
        [['FR', 'US'], false, 'an element passes: negated does not hold'],
        [['FR'], true],
        [[], true, 'empty array: negated holds'],
        [[null], true],
        [[['US']], true, 'nested arrays are skipped'],
        [['US', 'US'], false],
      ],
    },
    {
      flag: 'array-gt',
      condition: { attribute: 'scores', operator: 'gt', values: [10] },
      rows: [
        [[1, 20], true],
        [[1, 2], false],
        [['20'], false, 'no coercion'],
        [[], false],
        [[true, 11], true],
      ],
    },
    {
      flag: 'array-contains',
      condition: { attribute: 'tags', operator: 'contains', values: ['beta'] },
      rows: [
        [['x-beta-y', 'ga'], true],
        [['alpha', 'gamma'], false],
        [[5, 'beta'], true],
      ],
    },
    {
      flag: 'array-starts-with-negated',
      condition: { attribute: 'tags', operator: 'startsWith', values: ['internal'], negate: true },
      rows: [
        [['internal-1', 'public'], false],
        [['public'], true],
        [[], true],
      ],
    },
    {
      flag: 'array-matches',
      condition: { attribute: 'tags', operator: 'matches', values: ['^v\\d+$'] },
      rows: [
        [['x', 'v12'], true],
        [['v', 'vv1'], false],
      ],
    },
    {
      flag: 'array-semver',
      condition: { attribute: 'versions', operator: 'semverGt', values: ['2.0.0'] },
      rows: [
        [['1.0.0', '2.1.0'], true],
        [['v3.0.0', '1.0.0'], false, 'invalid versions skipped by the operator'],
      ],
    },
    {
      flag: 'array-before',
      condition: { attribute: 'dates', operator: 'before', values: ['2026-01-01'] },
      rows: [
        [['2027-01-01', '2025-12-31'], true],
        [['2027-01-01', 0], true, 'epoch ms element'],
        [['2026-02-30'], false],
      ],
    },
    {
      flag: 'array-equals-booleans',
      condition: { attribute: 'flags', operator: 'equals', values: [true] },
      rows: [
        [[false, true], true],
        [['true'], false],
        [[false], false],
      ],
    },
    {
      flag: 'array-exists',
      condition: { attribute: 'tags', operator: 'exists', values: [] },
      rows: [
        [[], true, 'an array is present'],
        [[null], true],
        [ABSENT, false],
      ],
    },
    {
      flag: 'array-exists-negated',
      condition: { attribute: 'tags', operator: 'exists', values: [], negate: true },
      rows: [
        [[], false],
        [['x'], false],
        [null, true],
      ],
    },
  ],
);

function pointerSuite(): HandSuite {
  const tables: [string, Condition, Parameters<typeof contextCases>[1]][] = [
    [
      'pointer-city',
      { attribute: '/address/city', operator: 'equals', values: ['Amsterdam'] },
      [
        [{ key: 'u', address: { city: 'Amsterdam' } }, true],
        [{ key: 'u', address: { city: 'amsterdam' } }, false],
        [{ key: 'u', address: { city: ['Utrecht', 'Amsterdam'] } }, true, 'array at the end: any element'],
        [{ key: 'u', address: { city: null } }, false],
        [{ key: 'u', address: null }, false],
        [{ key: 'u', address: 'Amsterdam' }, false, 'a step through a string finds nothing'],
        [{ key: 'u', address: [{ city: 'Amsterdam' }] }, false, 'a step through an array finds nothing'],
        [{ key: 'u', 'address/city': 'Amsterdam' }, false, 'a top-level key with a slash is not the pointer'],
        [{ key: 'u' }, false],
      ],
    ],
    [
      'pointer-city-negated',
      { attribute: '/address/city', operator: 'equals', values: ['Amsterdam'], negate: true },
      [
        [{ key: 'u', address: { city: 'Utrecht' } }, true],
        [{ key: 'u', address: { city: 'Amsterdam' } }, false],
        [{ key: 'u', address: [{ city: 'Utrecht' }] }, false, 'nothing found: absent, negated does not hold'],
        [{ key: 'u', address: 'Utrecht' }, false, 'nothing found through a string'],
        [{ key: 'u' }, false],
      ],
    ],
    [
      'pointer-escaped-slash',
      { attribute: '/a~1b', operator: 'equals', values: ['x'] },
      [
        [{ 'a/b': 'x' }, true, '~1 is /'],
        [{ a: { b: 'x' } }, false],
      ],
    ],
    [
      'pointer-escaped-tilde',
      { attribute: '/a~0b', operator: 'equals', values: ['x'] },
      [
        [{ 'a~b': 'x' }, true, '~0 is ~'],
        [{ 'a~0b': 'x' }, false],
      ],
    ],
    [
      'pointer-tilde-one',
      { attribute: '/~01', operator: 'equals', values: ['x'] },
      [
        [{ '~1': 'x' }, true, '~01 is ~1, not /'],
        [{ '/': 'x' }, false],
      ],
    ],
    [
      'pointer-index',
      { attribute: '/tags/0', operator: 'equals', values: ['x'] },
      [
        [{ tags: ['x'] }, false, 'pointers do not index arrays'],
        [{ tags: { '0': 'x' } }, true, 'an object with key "0"'],
      ],
    ],
    [
      'pointer-into-string',
      { attribute: '/name/0', operator: 'exists', values: [] },
      [
        [{ name: 'xyz' }, false],
        [{ name: { '0': false } }, true],
      ],
    ],
    [
      'pointer-empty-key',
      { attribute: '/', operator: 'equals', values: ['x'] },
      [
        [{ '': 'x' }, true, '/ names the key ""'],
        [{ key: 'x' }, false],
      ],
    ],
    [
      'pointer-nested-empty-key',
      { attribute: '/a/', operator: 'equals', values: ['x'] },
      [
        [{ a: { '': 'x' } }, true],
        [{ a: 'x' }, false],
      ],
    ],
    [
      'pointer-deep',
      { attribute: '/org/team/lead/name', operator: 'startsWith', values: ['A'] },
      [
        [{ org: { team: { lead: { name: 'Ada' } } } }, true],
        [{ org: { team: { lead: { name: 'Bob' } } } }, false],
        [{ org: { team: [{ lead: { name: 'Ada' } }] } }, false],
        [{ org: { team: { lead: {} } } }, false],
      ],
    ],
    [
      'pointer-key',
      { attribute: '/key', operator: 'equals', values: ['user-1'] },
      [
        [{ key: 'user-1' }, true, '/key is the top-level key'],
        [{ key: 'user-2' }, false],
      ],
    ],
    [
      'pointer-array-end',
      { attribute: '/user/tags', operator: 'in', values: ['beta'] },
      [
        [{ user: { tags: ['alpha', 'beta'] } }, true],
        [{ user: { tags: [] } }, false],
      ],
    ],
    [
      'pointer-unicode',
      { attribute: '/ünïcödé/街', operator: 'equals', values: ['✓'] },
      [
        [{ ünïcödé: { 街: '✓' } }, true],
        [{ ünïcödé: { 街: '✔' } }, false],
      ],
    ],
    [
      'pointer-exists-negated',
      { attribute: '/address/zip', operator: 'exists', values: [], negate: true },
      [
        [{ address: {} }, true],
        [{ address: { zip: '1011' } }, false],
        [{ address: { zip: null } }, true],
        [{ address: 'street' }, true, 'nothing found through a string: absent'],
        [{}, true],
      ],
    ],
    [
      'slash-inside-name',
      { attribute: 'a/b', operator: 'equals', values: ['x'] },
      [
        [{ 'a/b': 'x' }, true, 'not starting with /: a top-level name'],
        [{ a: { b: 'x' } }, false],
      ],
    ],
  ];
  const flags = tables.map(([flag, condition]) => conditionFlag(flag, [condition]));
  const cases = tables.flatMap(([flag, , rows]) => contextCases(flag, rows));
  return {
    name: 'JSON pointers',
    description:
      'Attributes starting with / are RFC 6901 pointers through plain objects (~1 is /, ~0 is ~); a step through an array, a string or anything but an object finds nothing.',
    valid: true,
    snapshot: snapshot(flags),
    cases,
  };
}

function ownPropertiesSuite(): HandSuite {
  const tables: [string, Condition, Parameters<typeof contextCases>[1]][] = [
    [
      'own-constructor',
      { attribute: 'constructor', operator: 'exists', values: [] },
      [
        [{}, false, 'Object.prototype.constructor is not an own property'],
        [{ constructor: 'x' }, true],
      ],
    ],
    [
      'own-to-string',
      { attribute: 'toString', operator: 'exists', values: [], negate: true },
      [
        [{}, true],
        [{ toString: 1 }, false],
      ],
    ],
    [
      'own-proto',
      { attribute: '__proto__', operator: 'equals', values: ['x'] },
      [
        [JSON.parse('{"__proto__": "x"}'), true, 'an own property named __proto__'],
        [{}, false],
      ],
    ],
    [
      'own-pointer-constructor',
      { attribute: '/constructor/name', operator: 'equals', values: ['Object'] },
      [
        [{}, false],
        [{ constructor: { name: 'Object' } }, true],
      ],
    ],
    [
      'own-has-own-property',
      { attribute: 'hasOwnProperty', operator: 'exists', values: [] },
      [[{ key: 'u' }, false]],
    ],
  ];
  return {
    name: 'own properties only',
    description:
      'Only own properties of the context are read: constructor, toString, __proto__ find nothing unless the context has them.',
    valid: true,
    snapshot: snapshot(tables.map(([flag, condition]) => conditionFlag(flag, [condition]))),
    cases: tables.flatMap(([flag, , rows]) => contextCases(flag, rows)),
  };
}

function nonObjectSuite(): HandSuite {
  const flags = [
    stringFlag('shape', ['targeted', 'no-country', 'has-country', 'default'], {
      targets: [{ variant: 'targeted', keys: ['user-1', '42'] }],
      rules: [
        {
          id: 'no-country',
          conditions: [{ attribute: 'country', operator: 'exists', values: [], negate: true }],
          serve: { variant: 'no-country' },
        },
        {
          id: 'has-country',
          conditions: [{ attribute: 'country', operator: 'exists', values: [] }],
          serve: { variant: 'has-country' },
        },
      ],
      fallthrough: { variant: 'default' },
      offVariant: 'default',
    }),
    stringFlag('split', ['off', 'a', 'b'], {
      targets: [{ variant: 'a', keys: ['user-1'] }],
      fallthrough: {
        rollout: {
          variants: [
            { variant: 'a', weight: 50_000 },
            { variant: 'b', weight: 50_000 },
          ],
        },
      },
      offVariant: 'off',
    }),
    stringFlag('pointer', ['hit', 'miss'], {
      rules: [
        {
          id: 'zero',
          conditions: [{ attribute: '/0', operator: 'exists', values: [] }],
          serve: { variant: 'hit' },
        },
      ],
      fallthrough: { variant: 'miss' },
      offVariant: 'miss',
    }),
  ];
  const nonObjects: [unknown, string][] = [
    [null, 'null'],
    [[], 'an empty array'],
    [['user-1'], 'an array holding a key'],
    [[{ key: 'user-1', country: 'NL' }], 'an array holding a context'],
    ['user-1', 'a string'],
    ['', 'an empty string'],
    [42, 'a number'],
    [true, 'a boolean'],
  ];
  const cases: HandCase[] = nonObjects.flatMap(([context, label]): HandCase[] => [
    {
      name: `shape: ${label} is {}`,
      flag: 'shape',
      context,
      expect: ruleMatch('no-country', 'no-country'),
    },
    { name: `split: ${label} is {}: not bucketable`, flag: 'split', context, expect: unbucketed('off') },
    {
      name: `pointer: ${label} is {}: /0 finds nothing`,
      flag: 'pointer',
      context,
      expect: fallthrough('miss'),
    },
  ]);
  cases.push(
    {
      name: 'shape: {} has no country',
      flag: 'shape',
      context: {},
      expect: ruleMatch('no-country', 'no-country'),
    },
    { name: 'shape: targeted key', flag: 'shape', context: { key: 'user-1' }, expect: target('targeted') },
    {
      name: 'shape: country present',
      flag: 'shape',
      context: { key: 'user-2', country: 'NL' },
      expect: ruleMatch('has-country', 'has-country'),
    },
    {
      name: 'shape: a numeric key 42 is not the target key "42"',
      flag: 'shape',
      context: { key: 42, country: 'NL' },
      expect: ruleMatch('has-country', 'has-country'),
    },
    {
      name: 'shape: an array key is not a target key',
      flag: 'shape',
      context: { key: ['user-1'], country: 'NL' },
      expect: ruleMatch('has-country', 'has-country'),
    },
    {
      name: 'shape: a null key',
      flag: 'shape',
      context: { key: null },
      expect: ruleMatch('no-country', 'no-country'),
    },
    { name: 'split: targeted key', flag: 'split', context: { key: 'user-1' }, expect: target('a') },
    { name: 'split: no key', flag: 'split', context: { country: 'NL' }, expect: unbucketed('off') },
    { name: 'split: null key', flag: 'split', context: { key: null }, expect: unbucketed('off') },
    { name: 'split: boolean key', flag: 'split', context: { key: true }, expect: unbucketed('off') },
    { name: 'split: fractional key', flag: 'split', context: { key: 1.5 }, expect: unbucketed('off') },
    {
      name: 'split: object key',
      flag: 'split',
      context: { key: { id: 'user-2' } },
      expect: unbucketed('off'),
    },
    {
      name: 'pointer: an object with key "0"',
      flag: 'pointer',
      context: { '0': 1 },
      expect: ruleMatch('hit', 'zero'),
    },
  );
  return {
    name: 'non-object contexts and odd keys',
    description:
      'A context that is not an object (null, an array, a string, a number, a boolean) is treated as {}: no key, no attributes, not bucketable. A key that is not a string is never a target key.',
    valid: true,
    snapshot: snapshot(flags),
    cases,
  };
}

const unicodeTables: ConditionTable[] = [
  {
    flag: 'unicode-attribute-name',
    condition: { attribute: 'país', operator: 'equals', values: ['España'] },
    rows: [
      ['España', true],
      ['Espan\u0303a', false, 'decomposed ñ: no normalization'],
      ['ESPAÑA', false],
    ],
  },
  {
    flag: 'emoji-attribute-name',
    condition: { attribute: '🚀', operator: 'equals', values: ['🌕'] },
    rows: [
      ['🌕', true],
      ['🌑', false],
    ],
  },
  {
    flag: 'cjk-starts-with',
    condition: { attribute: '名前', operator: 'startsWith', values: ['山'] },
    rows: [
      ['山田', true],
      ['田山', false],
    ],
  },
  {
    flag: 'nfc-vs-nfd',
    condition: { attribute: 'name', operator: 'equals', values: ['Zo\u00eb'] },
    rows: [
      ['Zo\u00eb', true, 'precomposed ë'],
      ['Zoe\u0308', false, 'e + combining diaeresis differs'],
    ],
  },
  {
    flag: 'combining-ends-with',
    condition: { attribute: 'name', operator: 'endsWith', values: ['\u0301'] },
    rows: [
      ['cafe\u0301', true, 'code units: ends with the combining accent'],
      ['caf\u00e9', false],
    ],
  },
  {
    flag: 'emoji-contains',
    condition: { attribute: 'text', operator: 'contains', values: ['🎉'] },
    rows: [
      ['party 🎉 time', true],
      ['party time', false],
    ],
  },
  {
    flag: 'emoji-modifier',
    condition: { attribute: 'text', operator: 'startsWith', values: ['👍'] },
    rows: [
      ['👍🏽', true, 'the skin-tone modifier is separate code units'],
      ['👎', false],
    ],
  },
  {
    flag: 'emoji-modifier-exact',
    condition: { attribute: 'text', operator: 'equals', values: ['👍🏽'] },
    rows: [
      ['👍🏽', true],
      ['👍', false],
      ['👍🏿', false],
    ],
  },
  {
    flag: 'zwj-contains',
    condition: { attribute: 'text', operator: 'contains', values: ['👩'] },
    rows: [
      ['👨\u200d👩\u200d👧', true, 'inside a ZWJ sequence'],
      ['👨', false],
    ],
  },
  {
    flag: 'case-unicode',
    condition: { attribute: 'city', operator: 'in', values: ['straße', 'İstanbul'] },
    rows: [
      ['straße', true],
      ['STRASSE', false],
      ['strasse', false],
      ['istanbul', false],
      ['İstanbul', true],
    ],
  },
  {
    flag: 'unicode-regex',
    condition: { attribute: 'city', operator: 'matches', values: ['^東京'] },
    rows: [
      ['東京都', true],
      ['京都', false],
    ],
  },
  {
    flag: 'empty-string-value',
    condition: { attribute: 'nick', operator: 'equals', values: [''] },
    rows: [
      ['', true],
      ['\u200b', false, 'zero-width space is not empty'],
    ],
  },
];

function unicodeSuite(): HandSuite {
  const base = conditionSuite('unicode', '', unicodeTables);
  const targeted = stringFlag('unicode-targets', ['default', 'jp', 'emoji', 'nfc'], {
    targets: [
      { variant: 'jp', keys: ['ユーザー-1'] },
      { variant: 'emoji', keys: ['🦄', '用户😀'] },
      { variant: 'nfc', keys: ['jos\u00e9'] },
    ],
    fallthrough: { variant: 'default' },
  });
  return {
    name: 'unicode',
    description:
      'Unicode and emoji attribute names, values and keys; strings compare by UTF-16 code units, case-sensitively, without normalization.',
    valid: true,
    snapshot: snapshot([...base.snapshot.flags, targeted]),
    cases: [
      ...base.cases,
      {
        name: 'unicode-targets: ユーザー-1',
        flag: 'unicode-targets',
        context: { key: 'ユーザー-1' },
        expect: target('jp'),
      },
      {
        name: 'unicode-targets: 🦄',
        flag: 'unicode-targets',
        context: { key: '🦄' },
        expect: target('emoji'),
      },
      {
        name: 'unicode-targets: 用户😀',
        flag: 'unicode-targets',
        context: { key: '用户😀' },
        expect: target('emoji'),
      },
      {
        name: 'unicode-targets: 用户',
        flag: 'unicode-targets',
        context: { key: '用户' },
        expect: fallthrough('default'),
      },
      {
        name: 'unicode-targets: josé NFC',
        flag: 'unicode-targets',
        context: { key: 'jos\u00e9' },
        expect: target('nfc'),
      },
      {
        name: 'unicode-targets: josé NFD is another key',
        flag: 'unicode-targets',
        context: { key: 'jose\u0301' },
        expect: fallthrough('default'),
      },
    ],
  };
}

const numbersSuite = conditionSuite(
  'JSON number text',
  'Numbers in contexts are JSON numbers parsed to IEEE-754 doubles, whatever their text: 1.0, 1e0 and 1 are the same number.',
  [
    {
      flag: 'number-text',
      condition: { attribute: 'n', operator: 'equals', values: [1] },
      rows: [
        [raw('1.0'), true],
        [raw('1e0'), true],
        [raw('10E-1'), true],
        [raw('1.0000000000000001'), true, 'rounds to 1'],
        [raw('1.000000000000001'), false],
      ],
    },
  ],
);

export const contextsFile: HandFile = {
  file: 'contexts.json',
  name: 'contexts',
  description:
    'Hand-pinned: arrays, JSON pointers, own properties, non-object contexts, Unicode, number text.',
  suites: [arraysSuite, pointerSuite(), ownPropertiesSuite(), nonObjectSuite(), unicodeSuite(), numbersSuite],
};
