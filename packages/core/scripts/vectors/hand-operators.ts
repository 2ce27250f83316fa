/**
 * Hand-pinned: every operator and its edge cases (README "Conditions"). Each flag has one rule with one
 * condition; RULE_MATCH `hit` means the condition holds, FALLTHROUGH `miss` that it does not.
 */
import type { Condition, ConditionValue, Operator } from '../../src/index.js';
import { raw } from './format.js';
import {
  ABSENT,
  type ConditionTable,
  conditionSuite,
  type HandFile,
  type HandSuite,
  type Row,
} from './hand.js';

/** 2026-11-22T10:00:00Z in epoch milliseconds. */
const T_MS = 1_795_341_600_000;
const T = '2026-11-22T10:00:00Z';

function cond(attribute: string, operator: Operator, values: ConditionValue[], negate?: boolean): Condition {
  return negate === undefined ? { attribute, operator, values } : { attribute, operator, values, negate };
}

/** The same rows for `equals` and `in`: the two are synonyms. */
function equalsAndIn(
  name: string,
  values: ConditionValue[],
  rows: Row[],
  negate?: boolean,
): ConditionTable[] {
  return (['equals', 'in'] as const).map((operator) => ({
    flag: `${operator === 'equals' ? 'eq' : 'in'}-${name}`,
    condition: cond('a', operator, values, negate),
    rows,
  }));
}

const equalsSuite = conditionSuite(
  'equals and in',
  'Strict equality (===) with any of the values; `equals` and `in` are synonyms, so every table is pinned for both. No coercion between strings, numbers and booleans; JSON numbers are IEEE-754 doubles.',
  [
    ...equalsAndIn(
      'string',
      ['NL'],
      [
        ['NL', true],
        ['nl', false, 'case-sensitive'],
        ['NL ', false, 'trailing space'],
        ['', false],
        [ABSENT, false],
        [null, false],
        [{ NL: true }, false, 'an object is not a scalar'],
      ],
    ),
    ...equalsAndIn(
      'many',
      ['NL', 'BE', 'DE'],
      [
        ['BE', true],
        ['DE', true],
        ['FR', false],
        ['NLBE', false],
      ],
    ),
    ...equalsAndIn(
      'number',
      [42],
      [
        [42, true],
        ['42', false, 'no coercion'],
        [raw('42.0'), true, 'the JSON number 42.0 is the double 42'],
        [raw('4.2e1'), true, 'the JSON number 4.2e1 is the double 42'],
        [42.5, false],
        [-42, false],
        [true, false],
      ],
    ),
    ...equalsAndIn(
      'numeric-string',
      ['42'],
      [
        ['42', true],
        [42, false, 'no coercion'],
        ['42.0', false],
      ],
    ),
    ...equalsAndIn(
      'true',
      [true],
      [
        [true, true],
        ['true', false, 'no coercion'],
        [1, false],
        [false, false],
      ],
    ),
    ...equalsAndIn(
      'false',
      [false],
      [
        [false, true],
        [0, false],
        ['', false],
        ['false', false],
        [null, false, 'null is absent, not false'],
      ],
    ),
    ...equalsAndIn(
      'empty-string',
      [''],
      [
        ['', true],
        [' ', false],
        [0, false],
        [ABSENT, false],
      ],
    ),
    ...equalsAndIn(
      'zero',
      [0],
      [
        [0, true],
        [raw('-0'), true, '-0 === 0'],
        [raw('0.0'), true],
        ['0', false],
        [false, false],
      ],
    ),
    ...equalsAndIn(
      'mixed',
      ['x', 1, true],
      [
        ['x', true],
        [1, true],
        [true, true],
        ['1', false],
        ['true', false],
        [false, false],
      ],
    ),
    ...equalsAndIn(
      'max-safe',
      [9_007_199_254_740_991],
      [
        [9_007_199_254_740_991, true],
        [9_007_199_254_740_990, false],
      ],
    ),
    ...equalsAndIn(
      'two-pow-53',
      [9_007_199_254_740_992],
      [
        [raw('9007199254740993'), true, '9007199254740993 parses to the double 2^53'],
        [9_007_199_254_740_992, true],
        [9_007_199_254_740_991, false],
      ],
    ),
    ...equalsAndIn(
      'huge',
      [1e308],
      [
        [1e308, true],
        [raw('1E308'), true],
        [raw('1.0e308'), true],
        [1.7976931348623157e308, false],
      ],
    ),
    ...equalsAndIn(
      'fraction',
      [0.1],
      [
        [0.1, true],
        [raw('0.10'), true],
        [0.30000000000000004, false],
      ],
    ),
    ...equalsAndIn(
      'negated',
      ['NL'],
      [
        ['NL', false],
        ['FR', true],
        [42, true, 'present, of another type: does not pass, negated holds'],
        [{}, true, 'present object: does not pass, negated holds'],
        [ABSENT, false, 'absent: never holds, negated or not'],
        [null, false, 'null: never holds, negated or not'],
      ],
      true,
    ),
    ...equalsAndIn(
      'negated-many',
      ['a', 'b'],
      [
        ['a', false],
        ['b', false],
        ['c', true],
      ],
      true,
    ),
  ],
);

const stringSuite = conditionSuite(
  'contains, startsWith, endsWith',
  'Substring tests on string attributes, by UTF-16 code units, case-sensitive; the empty string operand passes every string; non-strings never pass.',
  [
    {
      flag: 'contains',
      condition: cond('a', 'contains', ['sale']),
      rows: [
        ['wholesale', true],
        ['sale', true],
        ['salesman', true],
        ['Sale', false, 'case-sensitive'],
        ['sal', false],
        ['', false],
        [5, false, 'not a string'],
        [ABSENT, false],
      ],
    },
    {
      flag: 'contains-any',
      condition: cond('a', 'contains', ['zz', 'yy']),
      rows: [
        ['buzz', true],
        ['yyes', true],
        ['zyzy', false],
      ],
    },
    {
      flag: 'contains-empty',
      condition: cond('a', 'contains', ['']),
      rows: [
        ['', true],
        ['anything', true],
        [0, false, 'not a string'],
        [false, false],
        [ABSENT, false],
        [null, false],
      ],
    },
    {
      flag: 'contains-negated',
      condition: cond('a', 'contains', ['test'], true),
      rows: [
        ['a test run', false],
        ['prod', true],
        [5, true, 'present, not a string: does not pass, negated holds'],
        [ABSENT, false],
      ],
    },
    {
      flag: 'starts-with',
      condition: cond('a', 'startsWith', ['user-']),
      rows: [
        ['user-1', true],
        ['user-', true],
        ['User-1', false, 'case-sensitive'],
        ['xuser-1', false],
        ['user', false],
        [ABSENT, false],
      ],
    },
    {
      flag: 'starts-with-empty',
      condition: cond('a', 'startsWith', ['']),
      rows: [
        ['', true],
        ['x', true],
        [1, false],
      ],
    },
    {
      flag: 'starts-with-negated',
      condition: cond('a', 'startsWith', ['beta-', 'rc-'], true),
      rows: [
        ['beta-1', false],
        ['rc-2', false],
        ['ga-3', true],
        [null, false],
      ],
    },
    {
      flag: 'ends-with',
      condition: cond('a', 'endsWith', ['@example.com']),
      rows: [
        ['ann@example.com', true],
        ['@example.com', true],
        ['ann@example.com.', false],
        ['ANN@EXAMPLE.COM', false, 'case-sensitive'],
        ['ann@example.org', false],
        [ABSENT, false],
      ],
    },
    {
      flag: 'ends-with-empty',
      condition: cond('a', 'endsWith', ['']),
      rows: [
        ['', true],
        ['x', true],
        [true, false],
      ],
    },
    {
      flag: 'ends-with-negated',
      condition: cond('a', 'endsWith', ['.internal'], true),
      rows: [
        ['db.internal', false],
        ['example.com', true],
        [ABSENT, false],
      ],
    },
  ],
);

const longA = 'a'.repeat(4096);
const tooLong = `${'b'.repeat(4096)}a`;

const matchesSuite = conditionSuite(
  'matches',
  'Regular expressions (simple constructs only: literals, ^ $ . [a-z] \\d + * ? | and groups), unanchored unless ^/$ are used, case-sensitive; only strings of at most 4,096 UTF-16 code units pass.',
  [
    {
      flag: 'matches-literal',
      condition: cond('a', 'matches', ['abc']),
      rows: [
        ['abc', true],
        ['xxabcxx', true, 'unanchored: matches anywhere'],
        ['ab', false],
        ['ABC', false, 'case-sensitive'],
        ['a-b-c', false],
      ],
    },
    {
      flag: 'matches-anchored',
      condition: cond('a', 'matches', ['^abc$']),
      rows: [
        ['abc', true],
        ['abcd', false],
        ['xabc', false],
        ['', false],
      ],
    },
    {
      flag: 'matches-prefix',
      condition: cond('a', 'matches', ['^beta']),
      rows: [
        ['beta-1', true],
        ['beta', true],
        ['alphabeta', false],
      ],
    },
    {
      flag: 'matches-suffix',
      condition: cond('a', 'matches', ['ing$']),
      rows: [
        ['testing', true],
        ['ingot', false],
      ],
    },
    {
      flag: 'matches-digits',
      condition: cond('a', 'matches', ['^user-\\d+$']),
      rows: [
        ['user-42', true],
        ['user-0', true],
        ['user-', false],
        ['user-4a', false],
        ['user-42 ', false],
      ],
    },
    {
      flag: 'matches-class',
      condition: cond('a', 'matches', ['^[a-z]+@example.com$']),
      rows: [
        ['bob@example.com', true],
        ['bob@exampleXcom', true, '. matches any character'],
        ['Bob@example.com', false, '[a-z] is lower-case only'],
        ['@example.com', false, '+ needs one'],
        ['bob7@example.com', false],
      ],
    },
    {
      flag: 'matches-optional',
      condition: cond('a', 'matches', ['^colou?r$']),
      rows: [
        ['color', true],
        ['colour', true],
        ['colouur', false],
      ],
    },
    {
      flag: 'matches-star',
      condition: cond('a', 'matches', ['^ab*c$']),
      rows: [
        ['ac', true],
        ['abc', true],
        ['abbbbc', true],
        ['adc', false],
      ],
    },
    {
      flag: 'matches-plus',
      condition: cond('a', 'matches', ['^ab+c$']),
      rows: [
        ['ac', false],
        ['abc', true],
        ['abbc', true],
      ],
    },
    {
      flag: 'matches-dot',
      condition: cond('a', 'matches', ['^a.c$']),
      rows: [
        ['abc', true],
        ['a-c', true],
        ['ac', false],
        ['abbc', false],
      ],
    },
    {
      flag: 'matches-alternation',
      condition: cond('a', 'matches', ['^(beta|canary)-[a-z]*$']),
      rows: [
        ['beta-', true],
        ['canary-xyz', true],
        ['alpha-x', false],
        ['beta-X', false],
        ['betacanary-x', false],
      ],
    },
    {
      flag: 'matches-alternation-unanchored',
      condition: cond('a', 'matches', ['ios|android']),
      rows: [
        ['my-android-phone', true],
        ['iOS', false],
        ['web', false],
      ],
    },
    {
      flag: 'matches-empty-pattern',
      condition: cond('a', 'matches', ['']),
      rows: [
        ['', true],
        ['anything', true],
        [0, false, 'not a string'],
      ],
    },
    {
      flag: 'matches-any-of',
      condition: cond('a', 'matches', ['^x$', '^y$']),
      rows: [
        ['x', true],
        ['y', true],
        ['xy', false],
      ],
    },
    {
      flag: 'matches-accent',
      condition: cond('a', 'matches', ['^caf\u00e9$']),
      rows: [
        ['caf\u00e9', true],
        ['cafe\u0301', false, 'no Unicode normalization'],
        ['cafe', false],
      ],
    },
    {
      flag: 'matches-non-string',
      condition: cond('a', 'matches', ['^42$']),
      rows: [
        ['42', true],
        [42, false, 'not a string'],
        [true, false],
      ],
    },
    {
      flag: 'matches-length-limit',
      condition: cond('a', 'matches', ['a']),
      rows: [
        [longA, true, '4,096 code units: tested'],
        [tooLong, false, '4,097 code units: never passes'],
      ],
    },
    {
      flag: 'matches-negated',
      condition: cond('a', 'matches', ['^beta'], true),
      rows: [
        ['beta-1', false],
        ['prod', true],
        [tooLong, true, 'over the length limit: does not pass, negated holds'],
        [7, true, 'present, not a string: negated holds'],
        [ABSENT, false],
      ],
    },
  ],
);

const numericSuite = conditionSuite(
  'lt, lte, gt, gte',
  'Numeric comparisons on number attributes: boundaries, negatives, fractions, huge and tiny doubles; strings and booleans never pass.',
  [
    {
      flag: 'lt-10',
      condition: cond('a', 'lt', [10]),
      rows: [
        [9, true],
        [9.999, true],
        [10, false, 'boundary'],
        [10.5, false],
        [-1, true],
        [-1e308, true],
        ['9', false, 'no coercion'],
        [true, false],
        [null, false],
        [ABSENT, false],
      ],
    },
    {
      flag: 'lte-10',
      condition: cond('a', 'lte', [10]),
      rows: [
        [10, true, 'boundary'],
        [raw('1e1'), true],
        [raw('10.000'), true],
        [10.000001, false],
        [-10, true],
        ['10', false],
      ],
    },
    {
      flag: 'gt-10',
      condition: cond('a', 'gt', [10]),
      rows: [
        [10, false, 'boundary'],
        [10.0001, true],
        [11, true],
        [1e308, true],
        [9, false],
        ['11', false],
      ],
    },
    {
      flag: 'gte-10',
      condition: cond('a', 'gte', [10]),
      rows: [
        [10, true, 'boundary'],
        [9.9999, false],
        [1e21, true],
      ],
    },
    {
      flag: 'gte-negative',
      condition: cond('a', 'gte', [-5.5]),
      rows: [
        [-5.5, true],
        [-5.6, false],
        [-5, true],
        [0, true],
        [-1e308, false],
      ],
    },
    {
      flag: 'lt-negative',
      condition: cond('a', 'lt', [-5.5]),
      rows: [
        [-5.5, false],
        [-5.50001, true],
        [-6, true],
      ],
    },
    {
      flag: 'gt-1e308',
      condition: cond('a', 'gt', [1e308]),
      rows: [
        [1e308, false],
        [1.7976931348623157e308, true, 'the largest double'],
        [raw('1.0000000000000001e308'), false, 'parses to the same double as 1e308'],
      ],
    },
    {
      flag: 'lt-minus-1e308',
      condition: cond('a', 'lt', [-1e308]),
      rows: [
        [-1.7976931348623157e308, true],
        [-1e308, false],
      ],
    },
    {
      flag: 'gt-two-pow-53',
      condition: cond('a', 'gt', [9_007_199_254_740_992]),
      rows: [
        [raw('9007199254740993'), false, 'parses to 2^53 itself'],
        [9_007_199_254_740_994, true],
        [9_007_199_254_740_991, false],
      ],
    },
    {
      flag: 'gte-two-pow-53-plus-one',
      condition: cond('a', 'gte', [9_007_199_254_740_992]),
      rows: [
        [raw('9007199254740993'), true],
        [raw('9007199254740992'), true],
      ],
    },
    {
      flag: 'lt-zero',
      condition: cond('a', 'lt', [0]),
      rows: [
        [raw('-0'), false, '-0 is not below 0'],
        [-1e-300, true],
        [5e-324, false, 'the smallest positive double'],
        [0, false],
      ],
    },
    {
      flag: 'gt-zero',
      condition: cond('a', 'gt', [0]),
      rows: [
        [5e-324, true],
        [raw('-0.0'), false],
      ],
    },
    {
      flag: 'lt-any-of',
      condition: cond('a', 'lt', [5, 10]),
      rows: [
        [7, true, 'below the second value'],
        [4, true],
        [12, false],
      ],
    },
    {
      flag: 'gt-fraction',
      condition: cond('a', 'gt', [0.1]),
      rows: [
        [0.1, false],
        [0.30000000000000004, true],
        [0.10000000000000002, true, 'next double above 0.1'],
      ],
    },
    {
      flag: 'gt-negated',
      condition: cond('a', 'gt', [100], true),
      rows: [
        [50, true],
        [150, false],
        [100, true],
        ['abc', true, 'present, not a number: negated holds'],
        [ABSENT, false],
        [null, false],
      ],
    },
  ],
);

/** semver.org §11 example, in increasing precedence. */
const SEMVER_ORDER = [
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0',
];

function semverOrderTables(): ConditionTable[] {
  const tables: ConditionTable[] = [];
  SEMVER_ORDER.forEach((operand, i) => {
    tables.push({
      flag: `semver-lt-${i}`,
      condition: cond('v', 'semverLt', [operand]),
      rows: SEMVER_ORDER.map((version, j): Row => [version, j < i]),
    });
    tables.push({
      flag: `semver-gt-${i}`,
      condition: cond('v', 'semverGt', [operand]),
      rows: SEMVER_ORDER.map((version, j): Row => [version, j > i]),
    });
    tables.push({
      flag: `semver-eq-${i}`,
      condition: cond('v', 'semverEq', [operand]),
      rows: SEMVER_ORDER.map((version, j): Row => [version, j === i]),
    });
  });
  return tables;
}

const semverOrderSuite = conditionSuite(
  'semver precedence (semver.org §11)',
  'semverLt / semverGt / semverEq over the chain 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0, every pair.',
  semverOrderTables(),
);

const semverSuite = conditionSuite(
  'semver edge cases',
  'Strict SemVer 2.0.0: no `v` prefix, no missing parts, no leading zeros; build metadata is ignored; numeric identifiers compare numerically and rank below alphanumeric ones; alphanumeric ones compare in ASCII order. Invalid versions never pass.',
  [
    {
      flag: 'semver-eq',
      condition: cond('v', 'semverEq', ['1.2.3']),
      rows: [
        ['1.2.3', true],
        ['1.2.3+build.5', true, 'build metadata ignored'],
        ['1.2.3-rc.1', false],
        ['v1.2.3', false, 'invalid: v prefix'],
        ['1.2', false, 'invalid: missing patch'],
        ['1.2.3.4', false, 'invalid'],
        ['01.2.3', false, 'invalid: leading zero'],
        [' 1.2.3', false, 'invalid: space'],
        [1.2, false, 'not a string'],
        [ABSENT, false],
      ],
    },
    {
      flag: 'semver-eq-build-operand',
      condition: cond('v', 'semverEq', ['1.2.3+meta.1']),
      rows: [
        ['1.2.3', true],
        ['1.2.3+other', true],
        ['1.2.4+meta.1', false],
      ],
    },
    {
      flag: 'semver-lt',
      condition: cond('v', 'semverLt', ['1.0.0']),
      rows: [
        ['1.0.0-alpha', true, 'a pre-release ranks below its release'],
        ['0.9.99', true],
        ['0.99.0', true],
        ['1.0.0', false],
        ['1.0.0+build', false],
        ['1.0.1', false],
        ['v0.9.0', false, 'invalid'],
        ['0.9', false, 'invalid'],
      ],
    },
    {
      flag: 'semver-lt-numeric',
      condition: cond('v', 'semverLt', ['10.0.0']),
      rows: [
        ['2.0.0', true, 'numeric, not lexical'],
        ['9.99.99', true],
        ['10.0.0-rc.1', true],
        ['11.0.0', false],
      ],
    },
    {
      flag: 'semver-gt-minor',
      condition: cond('v', 'semverGt', ['1.9.0']),
      rows: [
        ['1.10.0', true, 'numeric, not lexical'],
        ['1.9.1', true],
        ['1.9.0', false],
        ['1.8.99', false],
      ],
    },
    {
      flag: 'semver-gt-prerelease-numeric',
      condition: cond('v', 'semverGt', ['1.0.0-2']),
      rows: [
        ['1.0.0-10', true, 'numeric identifiers compare numerically'],
        ['1.0.0-1a', true, 'alphanumeric ranks above numeric'],
        ['1.0.0-1', false],
        ['1.0.0-2', false],
        ['1.0.0-01', false, 'invalid: leading zero in a numeric identifier'],
      ],
    },
    {
      flag: 'semver-lt-ascii',
      condition: cond('v', 'semverLt', ['1.0.0-alpha']),
      rows: [
        ['1.0.0-Beta', true, "ASCII: 'B' < 'a'"],
        ['1.0.0-ALPHA', true],
        ['1.0.0-alpha', false],
        ['1.0.0-alph', true, 'a shorter identifier that is a prefix ranks lower'],
        ['1.0.0-9', true, 'numeric below alphanumeric'],
      ],
    },
    {
      flag: 'semver-eq-prerelease',
      condition: cond('v', 'semverEq', ['2.0.0-rc.1']),
      rows: [
        ['2.0.0-rc.1', true],
        ['2.0.0-rc.1+build.1.2', true],
        ['2.0.0-rc.01', false, 'invalid'],
        ['2.0.0-rc.1.0', false],
        ['2.0.0-x-y', false],
        ['2.0.0-', false, 'invalid: empty pre-release'],
        ['2.0.0+', false, 'invalid: empty build'],
        ['2.0.0-rc..1', false, 'invalid: empty identifier'],
      ],
    },
    {
      flag: 'semver-gt-hyphen',
      condition: cond('v', 'semverGt', ['1.0.0-x-y']),
      rows: [
        ['1.0.0-x-z', true],
        ['1.0.0-x-y.1', true],
        ['1.0.0-x', false],
      ],
    },
    {
      flag: 'semver-any-of',
      condition: cond('v', 'semverEq', ['1.0.0', '2.0.0']),
      rows: [
        ['2.0.0', true],
        ['3.0.0', false],
      ],
    },
    {
      flag: 'semver-lt-negated',
      condition: cond('v', 'semverLt', ['2.0.0'], true),
      rows: [
        ['1.0.0', false],
        ['3.0.0', true],
        ['2.0.0', true],
        ['garbage', true, 'present, not a version: negated holds'],
        ['v1.0.0', true, 'invalid: does not pass, negated holds'],
        [ABSENT, false],
      ],
    },
  ],
);

const timestampSuite = conditionSuite(
  'before and after',
  `Timestamps: epoch milliseconds, RFC 3339 date-times with upper-case T/Z, offsets, fractions to 9 digits truncated to milliseconds, or a date (midnight UTC). Impossible dates and other forms are not timestamps and never pass. ${T} is ${T_MS} ms.`,
  [
    {
      flag: 'before',
      condition: cond('t', 'before', [T]),
      rows: [
        ['2026-11-22T09:59:59Z', true],
        [T, false, 'equal is not before'],
        ['2026-11-22T09:59:59.999Z', true],
        ['2026-11-22T10:00:00.000Z', false],
        ['2026-11-22T10:00:00.000999999Z', false, 'truncated to .000'],
        ['2026-11-22T11:00:00+01:00', false, 'the same instant'],
        ['2026-11-22T10:59:59+01:00', true],
        ['2026-11-22T05:00:00-05:00', false, 'the same instant'],
        ['2026-11-22T04:59:00-05:00', true],
        ['2026-11-22T10:00:00+00:00', false],
        ['2026-11-22T10:00:00-00:00', false],
        ['2026-11-22', true, 'midnight UTC'],
        ['2026-11-23', false],
        [T_MS - 1, true, 'epoch ms'],
        [T_MS, false],
        [T_MS - 0.5, true, 'fractional epoch ms'],
        [0, true],
        [-86_400_000, true, 'before 1970'],
        ['1969-12-31T23:59:59Z', true],
        ['2024-02-29', true, 'leap day'],
        ['2000-02-29T12:00:00Z', true, 'leap day (400)'],
        ['2026-02-30', false, 'impossible date'],
        ['2025-02-29', false, 'not a leap year'],
        ['2100-02-29', false, 'not a leap year (100)'],
        ['2026-04-31', false, 'impossible date'],
        ['2026-13-01', false, 'no month 13'],
        ['2026-00-10', false, 'no month 0'],
        ['2026-11-22T24:00:00Z', false, 'no hour 24'],
        ['2026-11-22T09:60:00Z', false, 'no minute 60'],
        ['2026-11-22t09:00:00z', false, 'lower-case t and z'],
        ['2026-11-22T09:00:00z', false, 'lower-case z'],
        ['2026-11-22 09:00:00Z', false, 'space instead of T'],
        ['2026-11-22T09:00:00', false, 'no offset'],
        ['2026-11-22T09:00Z', false, 'no seconds'],
        ['2026-11-22T09:00:00.Z', false, 'empty fraction'],
        ['2026-11-22T09:00:00.1234567890Z', false, '10 fraction digits'],
        ['2026-11-22T09:00:00,5Z', false, 'comma fraction'],
        ['2026-11-22T09:00:00+0100', false, 'offset without colon'],
        ['2026-1-22', false, 'one-digit month'],
        ['26-11-22', false],
        ['yesterday', false],
        [true, false],
        [ABSENT, false],
        [null, false],
      ],
    },
    {
      flag: 'after',
      condition: cond('t', 'after', [T]),
      rows: [
        ['2026-11-22T10:00:00.001Z', true],
        ['2026-11-22T10:00:00.0001Z', false, 'truncated to .000: equal'],
        ['2026-11-22T10:00:00.0009Z', false, 'truncated, never rounded up'],
        ['2026-11-22T10:00:00.123456789Z', true, '9 fraction digits'],
        ['2026-11-22T10:00:00.5Z', true],
        [T, false],
        ['2026-11-23', true],
        ['2026-11-22', false],
        [T_MS + 1, true],
        [T_MS, false],
        ['2026-11-22T10:00:01+00:00', true],
        ['2026-11-22T10:00:00-00:01', true, '10:01Z'],
        ['2026-11-22T10:30:00+00:31', false, '09:59Z'],
        ['2026-11-23T00:30:00+01:00', true],
        ['2026-11-22T23:30:00-14:00', true, 'next day in UTC'],
        ['2026-11-31', false, 'impossible date'],
        ['2027-02-29T12:00:00Z', false, 'not a leap year'],
        ['2028-02-29T12:00:00Z', true, 'leap day'],
        ['9999-12-31T23:59:59Z', true],
        ['tomorrow', false],
        ['1795341600001', false, 'a string of digits is not a timestamp'],
      ],
    },
    {
      flag: 'after-date',
      condition: cond('t', 'after', ['2026-11-22']),
      rows: [
        ['2026-11-22T00:00:00Z', false, 'equal'],
        ['2026-11-22T00:00:00.001Z', true],
        ['2026-11-22T00:30:00+01:00', false, '2026-11-21T23:30Z'],
        ['2026-11-21T23:30:00-01:00', true, '2026-11-22T00:30Z'],
        [1_795_305_600_000, false, 'equal, epoch ms'],
        [1_795_305_600_001, true],
      ],
    },
    {
      flag: 'before-epoch-zero',
      condition: cond('t', 'before', [0]),
      rows: [
        [-1, true],
        ['1969-12-31T23:59:59.999Z', true],
        ['1970-01-01', false],
        ['1970-01-01T01:00:00+01:00', false, 'equal'],
        ['1970-01-01T00:59:59+01:00', true],
      ],
    },
    {
      flag: 'after-epoch-fraction',
      condition: cond('t', 'after', [1000]),
      rows: [
        [1000.5, true],
        [1000, false],
        ['1970-01-01T00:00:01Z', false, 'equal'],
        ['1970-01-01T00:00:01.001Z', true],
      ],
    },
    {
      flag: 'before-any-of',
      condition: cond('t', 'before', ['2020-01-01', T]),
      rows: [
        ['2025-06-01', true, 'before the second value'],
        ['2027-01-01', false],
      ],
    },
    {
      flag: 'after-negated',
      condition: cond('t', 'after', [T], true),
      rows: [
        ['2020-01-01', true],
        ['2030-01-01', false],
        [T, true],
        ['not a date', true, 'present, not a timestamp: negated holds'],
        ['2026-02-30', true, 'impossible date: negated holds'],
        [ABSENT, false],
        [null, false],
      ],
    },
  ],
);

const existsSuite = conditionSuite(
  'exists',
  '`exists` holds for any value but absent or null (values are ignored); negated, it holds exactly for absent or null.',
  [
    {
      flag: 'exists',
      condition: cond('a', 'exists', []),
      rows: [
        ['x', true],
        ['', true],
        [0, true],
        [false, true],
        [[], true, 'an empty array is present'],
        [[null], true],
        [{}, true],
        [null, false],
        [ABSENT, false],
      ],
    },
    {
      flag: 'exists-values-ignored',
      condition: cond('a', 'exists', ['ignored', 1, false]),
      rows: [
        ['x', true],
        [2, true],
        [ABSENT, false],
      ],
    },
    {
      flag: 'exists-negated',
      condition: cond('a', 'exists', [], true),
      rows: [
        [ABSENT, true],
        [null, true],
        ['x', false],
        ['', false],
        [false, false],
        [[], false],
      ],
    },
  ],
);

/** For every operator but exists and inSegment: absent and null fail, negated or not. */
const ABSENT_OPERANDS: [Operator, ConditionValue][] = [
  ['equals', 'x'],
  ['in', 'x'],
  ['contains', ''],
  ['startsWith', ''],
  ['endsWith', ''],
  ['matches', ''],
  ['lt', 1],
  ['lte', 1],
  ['gt', 1],
  ['gte', 1],
  ['semverEq', '1.0.0'],
  ['semverLt', '1.0.0'],
  ['semverGt', '1.0.0'],
  ['before', T],
  ['after', T],
];

const absentSuite = conditionSuite(
  'absent and null attributes',
  'For every operator but exists: an absent or null attribute never satisfies the condition, negated or not.',
  ABSENT_OPERANDS.flatMap(([operator, operand]) =>
    [false, true].map(
      (negate): ConditionTable => ({
        flag: `absent-${operator.toLowerCase()}${negate ? '-negated' : ''}`,
        condition: cond('a', operator, [operand], negate),
        rows: [
          [ABSENT, false],
          [null, false],
        ],
      }),
    ),
  ),
);

const suites: HandSuite[] = [
  equalsSuite,
  stringSuite,
  matchesSuite,
  numericSuite,
  semverOrderSuite,
  semverSuite,
  timestampSuite,
  existsSuite,
  absentSuite,
];

export const operatorsFile: HandFile = {
  file: 'operators.json',
  name: 'operators',
  description: 'Hand-pinned: every condition operator with its edge cases.',
  suites,
};
