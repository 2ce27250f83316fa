import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../src/regex/compile.js';
import { buildDfa, DfaMatcher } from '../src/regex/dfa.js';
import { compileRegex, MAX_INPUT_LENGTH, MAX_PATTERN_LENGTH, type SafeRegex } from '../src/regex/index.js';
import { NfaMatcher } from '../src/regex/match.js';
import { parsePattern } from '../src/regex/parse.js';

/** Property tests run thousands of cases; generous so that a slow CI machine does not flake. */
const PROPERTY_TIMEOUT = 60_000;

function compile(pattern: string): SafeRegex {
  const result = compileRegex(pattern);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(pattern)} to compile: ${result.error}`);
  return result.regex;
}

/**
 * Every engine that can run `pattern`: what compileRegex picks (string search, DFA or NFA), and the NFA
 * simulation and the DFA (when within budget) forced, so that each is tested on every pattern.
 */
function engines(pattern: string): Array<readonly [string, SafeRegex]> {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) throw new Error(parsed.error);
  const compiled = compileProgram(parsed.node);
  if (!compiled.ok) throw new Error(compiled.error);
  const dfa = buildDfa(compiled.program);
  const all: Array<readonly [string, SafeRegex]> = [
    ['compileRegex', compile(pattern)],
    ['nfa', new NfaMatcher(compiled.program, MAX_INPUT_LENGTH)],
  ];
  if (dfa !== undefined) all.push(['dfa', new DfaMatcher(dfa, MAX_INPUT_LENGTH)]);
  return all;
}

/**
 * The reference semantics: native `u`-mode RegExp (sticky, see {@link nativeTest}), or undefined if it
 * rejects the pattern.
 */
function nativeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'uy');
  } catch {
    return undefined;
  }
}

/**
 * `RegExp.prototype.test` as the spec defines it: try each code point boundary as a start position.
 * Plain `test` is not used because V8 (up to at least Node 20) also tries the middle of a surrogate
 * pair, where `\B` holds: `/\B/u.test('a😀a')` is true in V8 but false per spec (AdvanceStringIndex
 * steps over whole code points), and this engine follows the spec.
 */
function nativeTest(sticky: RegExp, input: string): boolean {
  for (let start = 0; ; start += input.codePointAt(start)! > 0xffff ? 2 : 1) {
    sticky.lastIndex = start;
    if (sticky.test(input)) return true;
    if (start >= input.length) return false;
  }
}

const EMOJI = '😀'; // U+1F600, a surrogate pair in UTF-16

// [pattern, input, expected]; every row is also checked against native RegExp (see below).
const TABLE: ReadonlyArray<readonly [string, string, boolean]> = [
  // empty pattern / empty input
  ['', '', true],
  ['', 'abc', true],
  ['a', '', false],
  ['a*', '', true],
  ['()', '', true],
  ['(?:)', 'x', true],
  ['a|', '', true],
  ['|', 'x', true],
  // literals: unanchored search
  ['abc', 'xxabcxx', true],
  ['abc', 'abx', false],
  ['abc', 'ABC', false], // no case-insensitivity
  ['flag-key_1', 'my-flag-key_1', true],
  ['foo/bar', 'a/foo/bar', true],
  // escaped metacharacters
  ['a\\.b', 'a.b', true],
  ['a\\.b', 'axb', false],
  ['\\\\', 'a\\b', true],
  ['\\(\\)', '()', true],
  ['\\[\\]', '[]', true],
  ['\\{\\}', '{}', true],
  ['\\|', '|', true],
  ['\\*\\+\\?', '*+?', true],
  ['\\^\\$', 'x^$', true],
  ['\\/', '/', true],
  ['\\.\\*', 'a.*', true],
  // dot
  ['a.c', 'abc', true],
  ['a.c', 'a\nc', false],
  ['a.c', 'a\rc', false],
  ['a.c', 'a\u2028c', false],
  ['a.c', 'a\u2029c', false],
  ['a.c', 'a\tc', true],
  ['^.$', EMOJI, true],
  ['^..$', EMOJI, false],
  ['^.$', '\uD83D', true], // a lone surrogate is one character
  // classes
  ['[abc]', 'xbx', true],
  ['[abc]', 'xyz', false],
  ['^[a-z]+$', 'hello', true],
  ['^[a-z]+$', 'Hello', false],
  ['[^a-z]', 'abc', false],
  ['[^a-z]', 'abC', true],
  ['^[a-]+$', 'a-a', true],
  ['^[-a]+$', '-a', true],
  ['^[a\\-z]+$', 'a-z', true],
  ['^[a\\-z]+$', 'b', false],
  ['^[\\]\\\\]+$', ']\\', true],
  ['^[.*+?(){}|$^]+$', '.*+?(){}|$^', true],
  ['[[]', '[', true],
  ['[]', 'a', false],
  ['[]', '', false],
  ['[^]', '\n', true],
  ['[^]', '', false],
  ['^[a-c-e]+$', 'a-e', true],
  ['^[a-c-e]+$', 'd', false],
  ['^[😀-😂]$', '😁', true],
  ['^[😀-😂]$', '😃', false],
  ['^[^a]$', EMOJI, true],
  ['^[\\u{1F600}]$', EMOJI, true],
  ['^[\\d\\s]+$', '1 2\t3', true],
  ['^[\\w-]+$', 'a-b_c', true],
  ['^[\\W]+$', '-!', true],
  ['^[^\\d]+$', 'abc', true],
  ['^[^\\d]+$', 'a1c', false],
  // class escapes outside classes
  ['^\\d+$', '0123456789', true],
  ['\\d', '٣', false], // Arabic-Indic digit: \d is ASCII-only
  ['^\\D+$', 'abc', true],
  ['^\\w+$', 'abc_XYZ_019', true],
  ['\\w', 'é', false], // \w is ASCII-only without the i flag
  ['^\\W+$', 'é!', true],
  ['^\\s+$', ' \t\n\r\v\f\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff', true],
  ['\\s', '\u200b', false], // zero-width space is not whitespace
  ['^\\S+$', 'a😀b', true],
  // \t \n \r \uXXXX \u{...}
  ['a\\tb', 'a\tb', true],
  ['a\\nb', 'a\nb', true],
  ['a\\rb', 'a\rb', true],
  ['\\u0041', 'A', true],
  ['\\u{41}', 'A', true],
  ['\\u{1F600}', EMOJI, true],
  ['^\\uD83D\\uDE00$', EMOJI, true], // an escaped surrogate pair is one code point
  ['\\uD83D', EMOJI, false], // a lone surrogate does not match half of a pair
  ['\\uDE00', EMOJI, false],
  ['\\uD83D', 'x\uD83Dx', true],
  ['\\u00e9', 'café', true],
  // anchors
  ['^abc', 'abcd', true],
  ['^abc', 'xabc', false],
  ['abc$', 'xabc', true],
  ['abc$', 'abcx', false],
  ['^abc$', 'abc', true],
  ['^abc$', 'abc\n', false], // no multiline mode
  ['^b', 'a\nb', false],
  ['^$', '', true],
  ['^$', 'a', false],
  ['^', 'anything', true],
  ['$', 'anything', true],
  ['a^b', 'a^b', false],
  ['^a|b$', 'xxb', true],
  ['^a|b$', 'xax', false],
  ['(?:^|,)b(?:,|$)', 'a,b,c', true],
  ['(?:^|,)b(?:,|$)', 'abc', false],
  ['(?:^)*a', 'ba', true],
  // word boundaries
  ['\\bfoo\\b', 'a foo b', true],
  ['\\bfoo\\b', 'afoo', false],
  ['\\bfoo\\b', 'foo', true],
  ['\\Boo\\B', 'foo', false],
  ['\\Boo\\B', 'afoot', true],
  ['\\B', 'a😀a', false], // per spec; V8 wrongly finds an empty match inside the surrogate pair
  ['\\b', '', false],
  ['\\B', '', true],
  ['\\b', '!!', false],
  ['é\\b', 'é', false], // é is not a word character, so no boundary after it at the end
  // groups and alternation
  ['gr(a|e)y', 'grey', true],
  ['gr(a|e)y', 'groy', false],
  ['^(?:cat|dog|bird)s?$', 'dogs', true],
  ['^(?:cat|dog|bird)s?$', 'cats!', false],
  ['^(a(b(c)))$', 'abc', true],
  ['^(ab)+$', 'ababab', true],
  ['^(ab)+$', 'ababa', false],
  ['a|b|c', 'xxc', true],
  // quantifiers
  ['^a*$', 'aaaa', true],
  ['^a+$', '', false],
  ['^a?b$', 'b', true],
  ['^a?b$', 'aab', false],
  ['^a{3}$', 'aaa', true],
  ['^a{3}$', 'aa', false],
  ['^a{2,}$', 'aaaaa', true],
  ['^a{2,}$', 'a', false],
  ['^a{2,3}$', 'aaa', true],
  ['^a{2,3}$', 'aaaa', false],
  ['^a{0}$', '', true],
  ['^a{0}b$', 'b', true],
  ['^a{0,0}$', 'a', false],
  ['^(?:ab){2}$', 'abab', true],
  ['^😀{2}$', '😀😀', true],
  ['^😀+$', '😀😀😀', true],
  ['^(?:a|)*$', 'aaa', true],
  ['^(?:a*)*$', 'aaa', true],
  ['^(?:a*)+b$', 'aab', true],
  // lazy quantifiers mean the same as greedy ones here
  ['^a*?$', 'aaa', true],
  ['^a+?b$', 'aab', true],
  ['^a??b$', 'ab', true],
  ['^a{2,3}?$', 'aaa', true],
  ['^a{2,}?$', 'a', false],
  // unicode and emoji
  ['😀', `x${EMOJI}y`, true],
  ['^x.y$', `x${EMOJI}y`, true],
  ['^[^x]+$', '日本語😀', true],
  ['café', 'un café', true],
  ['^\\u{1F468}\\u200D\\u{1F469}$', '👨‍👩', true],
  // a realistic one
  ['^[a-z0-9._%+-]+@example\\.com$', 'john.doe+tag@example.com', true],
  ['^[a-z0-9._%+-]+@example\\.com$', 'john@example.org', false],
  ['^v?(\\d+)\\.(\\d+)\\.(\\d+)$', 'v10.2.33', true],
];

describe('compileRegex: table', () => {
  it.each(TABLE)('/%s/ on %j → %s', (pattern, input, expected) => {
    for (const [engine, regex] of engines(pattern)) expect(regex.test(input), engine).toBe(expected);
    // Guards the table itself: every row must agree with the engine we are emulating.
    const native = nativeRegex(pattern);
    expect(native !== undefined && nativeTest(native, input)).toBe(expected);
  });

  it('accepts \\- outside a class as a literal hyphen (JS `u` mode would reject it)', () => {
    expect(compile('a\\-b').test('a-b')).toBe(true);
    expect(compile('a\\-b').test('ab')).toBe(false);
  });

  it('reuses one compiled regex across many calls', () => {
    const regex = compile('^(?:a|b)*c(?:d|e){1,3}$');
    const native = /^(?:a|b)*c(?:d|e){1,3}$/u;
    const inputs = ['abcd', 'bbbcdee', 'c', 'cdddd', 'abab', 'cde', ''];
    for (let round = 0; round < 200; round++) {
      for (const input of inputs) expect(regex.test(input)).toBe(native.test(input));
    }
  });

  // Per code point checks of the built-in sets against native RegExp, across the BMP and beyond.
  it.each(['.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '[^\\s\\w]', '[\\u00e0-\\u{1F600}]'])(
    '/^%s$/ agrees with native RegExp on every BMP code point and some astral ones',
    (atom) => {
      const ours = compile(`^${atom}$`);
      const native = new RegExp(`^${atom}$`, 'u');
      const codePoints: number[] = [];
      for (let cp = 0; cp <= 0xffff; cp++) codePoints.push(cp);
      codePoints.push(0x10000, 0x1f5ff, 0x1f600, 0x1f601, 0x10fffe, 0x10ffff);
      const mismatches = codePoints.filter((cp) => {
        const input = String.fromCodePoint(cp);
        return ours.test(input) !== native.test(input);
      });
      expect(mismatches).toEqual([]);
    },
  );
});

describe('compileRegex: rejected patterns', () => {
  const REJECTED: ReadonlyArray<readonly [string, RegExp]> = [
    ['(?=a)', /lookahead.*position 0/],
    ['a(?!b)', /lookahead.*position 1/],
    ['(?<=a)b', /lookbehind.*position 0/],
    ['(?<!a)b', /lookbehind/],
    ['(?<name>a)', /named groups/],
    ['(a)\\1', /backreferences.*position 3/],
    ['\\k<name>', /named backreferences/],
    ['\\p{L}', /property escapes/],
    ['\\P{L}', /property escapes/],
    ['(?i:a)', /invalid group/],
    ['(?', /invalid group/],
    ['\\x41', /unsupported escape '\\x' at position 0/],
    ['\\0', /unsupported escape/],
    ['\\cA', /unsupported escape/],
    ['\\f', /unsupported escape/],
    ['\\v', /unsupported escape/],
    ['\\a', /unsupported escape/],
    ['[\\b]', /\\b inside a character class/],
    ['[\\B]', /unsupported escape/],
    ['\\', /end of pattern/],
    ['a\\', /end of pattern at position 1/],
    ['[a\\', /end of pattern/],
    ['*', /nothing to repeat.*position 0/],
    ['a**', /nothing to repeat.*position 2/],
    ['a+*', /nothing to repeat/],
    ['a{2}{3}', /position 4/],
    ['a???', /nothing to repeat/],
    ['|*', /nothing to repeat/],
    ['(*)', /nothing to repeat/],
    ['^*', /assertion/],
    ['$+', /assertion/],
    ['\\b?', /assertion/],
    ['{', /unescaped '\{'/],
    ['{1}', /unescaped '\{'/],
    ['}', /unescaped '\}'/],
    [']', /unescaped '\]'/],
    ['a{', /incomplete quantifier/],
    ['a{1', /incomplete quantifier/],
    ['a{1,', /incomplete quantifier/],
    ['a{,2}', /incomplete quantifier/],
    ['a{x}', /incomplete quantifier/],
    ['a{2,1}', /out of order/],
    ['(', /unterminated group.*position 0/],
    ['(a|b', /unterminated group/],
    ['((a)', /unterminated group/],
    [')', /unmatched '\)' at position 0/],
    ['a)b', /unmatched '\)' at position 1/],
    ['[', /unterminated character class/],
    ['[a', /unterminated character class/],
    ['[a-', /unterminated character class/],
    ['[^', /unterminated character class/],
    ['[z-a]', /out of order.*position 1/],
    ['[\\d-z]', /range endpoint/],
    ['[a-\\w]', /range endpoint/],
    ['\\u12', /invalid \\u escape/],
    ['\\u{}', /invalid \\u\{...\} escape/],
    ['\\u{12', /invalid \\u\{...\} escape/],
    ['\\u{110000}', /beyond U\+10FFFF/],
    ['a{1000}', /more than 1000 NFA states/],
    ['(?:a{100}){100}', /NFA states/],
    ['a{99999999999999999999}', /NFA states/],
    ['x'.repeat(MAX_PATTERN_LENGTH + 1), /limit is 1024/],
  ];

  it.each(REJECTED)('rejects %j', (pattern, message) => {
    const result = compileRegex(pattern);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('rejects non-string patterns from untyped configuration', () => {
    for (const value of [undefined, null, 42, {}, ['a']]) {
      expect(compileRegex(value as unknown as string).ok).toBe(false);
    }
  });

  it('accepts programs up to the size limit and patterns up to the length limit', () => {
    expect(compileRegex('a{999}').ok).toBe(true); // 999 CHARs + MATCH = 1,000 states
    expect(compileRegex('x'.repeat(MAX_PATTERN_LENGTH)).ok).toBe(true);
    const nested = `${'('.repeat(MAX_PATTERN_LENGTH / 2 - 1)}a${')'.repeat(MAX_PATTERN_LENGTH / 2 - 1)}`;
    expect(compile(nested).test('a')).toBe(true);
  });

  it(
    'never throws on arbitrary strings',
    () => {
      fc.assert(
        fc.property(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.string({ maxLength: 20 }),
          (pattern, input) => {
            const result = compileRegex(pattern);
            if (result.ok) result.regex.test(input);
            else expect(result.error.length).toBeGreaterThan(0);
          },
        ),
        { numRuns: 2000 },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'on metacharacter soup: accepts only valid JS, rejects valid JS only as "not supported", and agrees',
    () => {
      const units = 'ab()[]{}|*+?.^$\\-:=!<>,0123dDwWsSbBuk'.split('');
      fc.assert(
        fc.property(
          fc.string({ unit: fc.constantFrom(...units), maxLength: 14 }),
          fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '-', '1', ' ', '(', EMOJI), maxLength: 8 }), {
            maxLength: 4,
          }),
          (pattern, inputs) => {
            const ours = compileRegex(pattern);
            const native = nativeRegex(pattern);
            if (ours.ok && native === undefined) {
              // Our one extension: `\-` outside a class.
              expect(pattern).toContain('\\-');
              return;
            }
            if (!ours.ok) {
              if (native !== undefined) expect(ours.error).toMatch(/not supported|unsupported|NFA states/);
              return;
            }
            for (const [engine, regex] of engines(pattern)) {
              for (const input of ['', ...inputs]) {
                const message = `${engine}: /${pattern}/ on ${JSON.stringify(input)}`;
                expect(regex.test(input), message).toBe(nativeTest(native!, input));
              }
            }
          },
        ),
        { numRuns: 5000 },
      );
    },
    PROPERTY_TIMEOUT,
  );
});

// Random patterns from the supported grammar (small alphabets so that matches are frequent).
const LITERAL_ATOMS = [
  'a',
  'b',
  'c',
  EMOJI,
  '.',
  '\\d',
  '\\D',
  '\\w',
  '\\W',
  '\\s',
  '\\S',
  '\\.',
  '\\*',
  '\\\\',
  '\\/',
  '\\n',
  '\\t',
  '\\u0061',
  '\\u{62}',
  '\\u{1F600}',
  '\\uD83D\\uDE00',
  '\\uD83D',
  ' ',
  '_',
  '1',
  '-',
];
const CLASS_ITEMS = [
  'a',
  'b',
  EMOJI,
  '-',
  '^',
  '\\-',
  '\\]',
  '\\d',
  '\\w',
  '\\s',
  '\\D',
  '\\W',
  '\\S',
  'a-b',
  'a-c',
  '0-9',
  'b-\\u{1F600}',
  '\\u0000-\\u0060',
  '.',
  '$',
  '(',
  '[',
  '\\n',
  ' ',
];
const QUANTIFIERS = [
  '*',
  '+',
  '?',
  '*?',
  '+?',
  '??',
  '{0}',
  '{1}',
  '{2}',
  '{0,1}',
  '{1,3}',
  '{2,}',
  '{0,}?',
  '{2}?',
];
const ASSERTIONS = ['^', '$', '\\b', '\\B'];

const classArb = fc
  .tuple(fc.boolean(), fc.array(fc.constantFrom(...CLASS_ITEMS), { maxLength: 3 }))
  .map(([negated, items]) => `[${negated ? '^' : ''}${items.join('')}]`);

const { pattern: patternArb } = fc.letrec<{
  pattern: string;
  sequence: string;
  term: string;
  atom: string;
}>((tie) => ({
  pattern: fc.array(tie('sequence'), { minLength: 1, maxLength: 3 }).map((branches) => branches.join('|')),
  sequence: fc.array(tie('term'), { maxLength: 4 }).map((terms) => terms.join('')),
  term: fc.oneof(
    tie('atom'),
    fc.tuple(tie('atom'), fc.constantFrom(...QUANTIFIERS)).map(([atom, quantifier]) => atom + quantifier),
    fc.constantFrom(...ASSERTIONS),
  ),
  atom: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'group' },
    fc.constantFrom(...LITERAL_ATOMS),
    classArb,
    fc.tuple(fc.constantFrom('(', '(?:'), tie('pattern')).map(([open, inner]) => `${open}${inner})`),
  ),
}));

const INPUT_UNITS = [
  'a',
  'b',
  'c',
  EMOJI,
  '\uD83D',
  '\uDE00',
  '\n',
  ' ',
  '\t',
  '_',
  '1',
  '-',
  '.',
  'é',
  'A',
  '*',
];
const inputArb = fc.array(fc.constantFrom(...INPUT_UNITS), { maxLength: 10 }).map((units) => units.join(''));

describe('compileRegex: property test against native RegExp', () => {
  it(
    'test() agrees with new RegExp(p, "u").test() on random patterns and inputs',
    () => {
      let comparisons = 0;
      fc.assert(
        fc.property(patternArb, fc.array(inputArb, { minLength: 1, maxLength: 6 }), (pattern, inputs) => {
          const native = nativeRegex(pattern);
          const ours = compileRegex(pattern);
          // The generator can build invalid patterns (e.g. `[c-a]`, `[\d-a]`); both must then reject.
          expect(ours.ok, ours.ok ? pattern : `${pattern}: ${ours.error}`).toBe(native !== undefined);
          if (!ours.ok || native === undefined) return;
          for (const [engine, regex] of engines(pattern)) {
            for (const input of ['', ...inputs]) {
              comparisons++;
              const message = `${engine}: /${pattern}/u on ${JSON.stringify(input)}`;
              expect(regex.test(input), message).toBe(nativeTest(native, input));
            }
          }
        }),
        { numRuns: 4000 },
      );
      expect(comparisons).toBeGreaterThan(10_000);
    },
    PROPERTY_TIMEOUT,
  );
});

describe('compileRegex: linear time (ReDoS)', () => {
  // Each of these takes exponential time in a backtracking engine on these inputs; here each finishes
  // in milliseconds. No timing is asserted: the test timeout is the guard.
  const a4000 = 'a'.repeat(4000);
  const CASES: ReadonlyArray<readonly [string, string, boolean]> = [
    ['(a+)+$', `${a4000}!`, false],
    ['(a+)+$', a4000, true],
    ['^(a+)+$', `${a4000}!`, false],
    ['(a|a)*b', a4000, false],
    ['(a|a)*b', `${a4000}b`, true],
    ['(a*)*b', a4000, false],
    ['(x+x+)+y', 'x'.repeat(4000), false],
    ['(x+x+)+y', `${'x'.repeat(3999)}y`, true],
    ['^(a|aa)+$', `${'a'.repeat(3999)}b`, false],
    ['(a|b|ab)*c', 'ab'.repeat(2000), false],
    ['^(\\w+\\s?)*$', `${'word '.repeat(799)}!`, false],
    ['(.*a){12}', 'b'.repeat(4000), false],
    ['(.*a){12}', 'ba'.repeat(2000), true],
    ['(a|b)*a(a|b){12}', 'b'.repeat(4000), false], // exponential for a DFA: runs on the NFA
    ['(a|b)*a(a|b){12}', `${'b'.repeat(3000)}a${'b'.repeat(12)}`, true],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', a4000, false],
    [
      '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
      `${a4000}!`,
      false,
    ],
    // Near the program-size limit (~900 states), on the longest input accepted.
    ['(?:a?){300}a{300}', 'a'.repeat(299), false],
    ['(?:a?){300}a{300}', 'a'.repeat(MAX_INPUT_LENGTH), true],
  ];

  it.each(CASES)('/%s/ on an adversarial input', (pattern, input, expected) => {
    expect(input.length).toBeLessThanOrEqual(MAX_INPUT_LENGTH);
    for (const [engine, regex] of engines(pattern)) expect(regex.test(input), engine).toBe(expected);
  });
});

describe('compileRegex: DFA budget', () => {
  function dfaOf(pattern: string) {
    const parsed = parsePattern(pattern);
    if (!parsed.ok) throw new Error(parsed.error);
    const compiled = compileProgram(parsed.node);
    if (!compiled.ok) throw new Error(compiled.error);
    return buildDfa(compiled.program);
  }

  it('builds a DFA for everyday patterns', () => {
    for (const pattern of [
      '^[a-z0-9._%+-]+@example\\.com$',
      '\\bbeta\\b',
      '^(?:us|ca|gb|de|fr)$',
      '(.*a){12}',
    ]) {
      expect(dfaOf(pattern), pattern).toBeDefined();
    }
  });

  // The DFA of `(a|b)*a(a|b){n}` needs 2^(n+1) states; past the budget the NFA simulation takes over.
  it.each(['(a|b)*a(a|b){12}', '.{1,300}x', 'x{999}'])(
    'falls back to the NFA simulation for /%s/, with the same answers',
    (pattern) => {
      expect(dfaOf(pattern)).toBeUndefined();
      const regex = compile(pattern);
      const native = nativeRegex(pattern)!;
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'x'), maxLength: 40 }), (input) => {
          expect(regex.test(input)).toBe(nativeTest(native, input));
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe('compileRegex: input length limit', () => {
  it.each(['a', '^a', 'a$', '^a+$', 'a|b', '', '(?:)', '[a]', '\\ba'])(
    '/%s/ never matches an input longer than MAX_INPUT_LENGTH',
    (pattern) => {
      for (const [engine, regex] of engines(pattern)) {
        expect(regex.test('a'.repeat(MAX_INPUT_LENGTH)), engine).toBe(true);
        expect(regex.test('a'.repeat(MAX_INPUT_LENGTH + 1)), engine).toBe(false);
        expect(regex.test('a'.repeat(MAX_INPUT_LENGTH * 4)), engine).toBe(false);
      }
    },
  );
});
