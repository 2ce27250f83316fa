/**
 * Hand-pinned: the evaluation order (README "Evaluation order"): kill switch, targets, rules in order with
 * their ids, fallthrough; segments (README "Segments"); variant values of every flag type.
 */
import type { Flag, Segment } from '../../src/index.js';
import {
  booleanFlag,
  fallthrough,
  type HandCase,
  type HandFile,
  type HandSuite,
  off,
  ruleMatch,
  snapshot,
  stringFlag,
  target,
} from './hand.js';

function targetsSuite(): HandSuite {
  const tiers = stringFlag('tiers', ['gold', 'silver', 'bronze', 'none'], {
    targets: [
      { variant: 'gold', keys: ['alice', 'bob'] },
      { variant: 'silver', keys: ['bob', 'carol', ''] },
      { variant: 'bronze', keys: [] },
    ],
    rules: [{ id: 'everyone', conditions: [], serve: { variant: 'bronze' } }],
    fallthrough: { variant: 'none' },
    offVariant: 'none',
  });
  const killed = { ...tiers, key: 'tiers-off', enabled: false };
  const repeated = stringFlag('repeated-target', ['a', 'b'], {
    targets: [
      { variant: 'b', keys: ['dup', 'dup'] },
      { variant: 'a', keys: ['dup'] },
    ],
    fallthrough: { variant: 'a' },
  });
  const c = (name: string, flag: string, context: unknown, expect: HandCase['expect']): HandCase => ({
    name,
    flag,
    context,
    expect,
  });
  return {
    name: 'targets',
    description:
      'Individual targets: a string key listed in a target gets its variant with TARGET_MATCH, before any rule; the first target listing a key wins; keys match exactly.',
    valid: true,
    snapshot: snapshot([tiers, killed, repeated]),
    cases: [
      c('alice is in the first target', 'tiers', { key: 'alice' }, target('gold')),
      c('bob is in both targets: the first wins', 'tiers', { key: 'bob' }, target('gold')),
      c('carol is in the second target', 'tiers', { key: 'carol' }, target('silver')),
      c('the empty key is a key', 'tiers', { key: '' }, target('silver')),
      c('dave is not targeted: the rule serves', 'tiers', { key: 'dave' }, ruleMatch('bronze', 'everyone')),
      c('keys are case-sensitive', 'tiers', { key: 'Alice' }, ruleMatch('bronze', 'everyone')),
      c('keys are not trimmed', 'tiers', { key: 'alice ' }, ruleMatch('bronze', 'everyone')),
      c('no key', 'tiers', { name: 'alice' }, ruleMatch('bronze', 'everyone')),
      c('other attributes do not matter', 'tiers', { key: 'carol', tier: 'gold' }, target('silver')),
      c('disabled: targets do not apply', 'tiers-off', { key: 'alice' }, off('none')),
      c('disabled: no key', 'tiers-off', {}, off('none')),
      c('a key listed twice in one target', 'repeated-target', { key: 'dup' }, target('b')),
      c('not targeted', 'repeated-target', { key: 'other' }, fallthrough('a')),
    ],
  };
}

function rulesSuite(): HandSuite {
  const ordered = stringFlag('ordered', ['a', 'b', 'c', 'd', 'z'], {
    rules: [
      {
        id: 'enterprise',
        conditions: [{ attribute: 'plan', operator: 'equals', values: ['enterprise'] }],
        serve: { variant: 'a' },
      },
      {
        id: 'benelux',
        conditions: [{ attribute: 'country', operator: 'in', values: ['NL', 'BE', 'LU'] }],
        serve: { variant: 'b' },
      },
      {
        id: 'adult-beta',
        description: 'all conditions must hold',
        conditions: [
          { attribute: 'age', operator: 'gte', values: [18] },
          { attribute: 'beta', operator: 'equals', values: [true] },
        ],
        serve: { variant: 'c' },
      },
      {
        id: 'benelux-again',
        conditions: [{ attribute: 'country', operator: 'in', values: ['NL'] }],
        serve: { variant: 'd' },
      },
    ],
    fallthrough: { variant: 'z' },
  });
  const catchAll = stringFlag('catch-all', ['x', 'y'], {
    rules: [
      {
        id: 'never',
        conditions: [{ attribute: 'country', operator: 'equals', values: ['XX'] }],
        serve: { variant: 'y' },
      },
      { id: 'rule/2 ✓', conditions: [], serve: { variant: 'x' } },
      { id: 'unreachable', conditions: [], serve: { variant: 'y' } },
    ],
    fallthrough: { variant: 'y' },
  });
  const noRules = stringFlag('no-rules', ['only'], { rules: [], fallthrough: { variant: 'only' } });
  const sameVariant = stringFlag('same-variant', ['on', 'off'], {
    rules: [
      {
        id: 'first',
        conditions: [{ attribute: 'n', operator: 'lt', values: [10] }],
        serve: { variant: 'on' },
      },
      {
        id: 'second',
        conditions: [{ attribute: 'n', operator: 'lt', values: [100] }],
        serve: { variant: 'on' },
      },
    ],
    fallthrough: { variant: 'off' },
    offVariant: 'off',
  });
  const negatedPair = stringFlag('negated-pair', ['inside', 'outside', 'unknown'], {
    rules: [
      {
        id: 'not-nl',
        conditions: [{ attribute: 'country', operator: 'equals', values: ['NL'], negate: true }],
        serve: { variant: 'outside' },
      },
      {
        id: 'nl',
        conditions: [{ attribute: 'country', operator: 'equals', values: ['NL'] }],
        serve: { variant: 'inside' },
      },
    ],
    fallthrough: { variant: 'unknown' },
  });
  const c = (name: string, flag: string, context: unknown, expect: HandCase['expect']): HandCase => ({
    name,
    flag,
    context,
    expect,
  });
  return {
    name: 'rules',
    description:
      'Rules in order: the first rule whose conditions all hold serves, with RULE_MATCH and its id; an empty condition list holds; no rule → fallthrough.',
    valid: true,
    snapshot: snapshot([ordered, catchAll, noRules, sameVariant, negatedPair]),
    cases: [
      c(
        'first rule wins over later matches',
        'ordered',
        { plan: 'enterprise', country: 'NL' },
        ruleMatch('a', 'enterprise'),
      ),
      c('second rule', 'ordered', { key: 'k', country: 'BE' }, ruleMatch('b', 'benelux')),
      c('NL matches benelux before benelux-again', 'ordered', { country: 'NL' }, ruleMatch('b', 'benelux')),
      c('all conditions hold', 'ordered', { age: 18, beta: true }, ruleMatch('c', 'adult-beta')),
      c('one condition fails', 'ordered', { age: 18, beta: 'true' }, fallthrough('z')),
      c('other condition fails', 'ordered', { age: 17, beta: true }, fallthrough('z')),
      c('missing attribute fails the rule', 'ordered', { beta: true }, fallthrough('z')),
      c('nothing matches', 'ordered', { key: 'k', plan: 'free', country: 'DE' }, fallthrough('z')),
      c('empty context', 'ordered', {}, fallthrough('z')),
      c('empty conditions hold', 'catch-all', { key: 'k' }, ruleMatch('x', 'rule/2 ✓')),
      c('empty conditions hold for a non-object context', 'catch-all', null, ruleMatch('x', 'rule/2 ✓')),
      c('first of two matching rules', 'catch-all', { country: 'XX' }, ruleMatch('y', 'never')),
      c('no rules: fallthrough', 'no-rules', { key: 'k' }, fallthrough('only')),
      c('same variant: ruleId of the first rule', 'same-variant', { n: 5 }, ruleMatch('on', 'first')),
      c('same variant: ruleId of the second rule', 'same-variant', { n: 50 }, ruleMatch('on', 'second')),
      c('same variant: fallthrough has no ruleId', 'same-variant', { n: 500 }, fallthrough('off')),
      c('negated: FR', 'negated-pair', { country: 'FR' }, ruleMatch('outside', 'not-nl')),
      c('negated: NL', 'negated-pair', { country: 'NL' }, ruleMatch('inside', 'nl')),
      c('negated: absent country matches neither', 'negated-pair', { key: 'k' }, fallthrough('unknown')),
      c('negated: null country matches neither', 'negated-pair', { country: null }, fallthrough('unknown')),
    ],
  };
}

function segmentsSuite(): HandSuite {
  const segments: Segment[] = [
    {
      key: 'beta-testers',
      included: ['alice', 'bob'],
      excluded: ['bob', 'carol', 'dave'],
      rules: [{ id: 'dutch', conditions: [{ attribute: 'country', operator: 'equals', values: ['NL'] }] }],
    },
    {
      key: 'staff',
      rules: [
        { id: 'email', conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@unveil.dev'] }] },
        { id: 'admin', conditions: [{ attribute: 'role', operator: 'in', values: ['admin', 'owner'] }] },
      ],
    },
    { key: 'nobody' },
    {
      key: 'adults-in-nl',
      rules: [
        {
          id: 'both',
          conditions: [
            { attribute: 'country', operator: 'equals', values: ['NL'] },
            { attribute: 'age', operator: 'gte', values: [18] },
          ],
        },
      ],
    },
    { key: 'everyone', rules: [{ id: 'all', conditions: [] }] },
    { key: 'numeric-keys', included: ['42'] },
    {
      key: 'unicode-keys',
      included: ['ユーザー', '🦄'],
      excluded: ['josé'],
      rules: [{ id: 'all', conditions: [] }],
    },
  ];
  const audience = stringFlag('audience', ['beta', 'staff', 'adult', 'default'], {
    rules: [
      {
        id: 'beta',
        conditions: [{ attribute: '', operator: 'inSegment', values: ['beta-testers'] }],
        serve: { variant: 'beta' },
      },
      {
        id: 'staff',
        conditions: [{ attribute: '', operator: 'inSegment', values: ['nobody', 'staff'] }],
        serve: { variant: 'staff' },
      },
      {
        id: 'adult',
        conditions: [{ attribute: '', operator: 'inSegment', values: ['adults-in-nl'] }],
        serve: { variant: 'adult' },
      },
    ],
    fallthrough: { variant: 'default' },
  });
  const outsider = stringFlag('outsider', ['insider', 'outsider'], {
    rules: [
      {
        id: 'not-beta',
        conditions: [{ attribute: '', operator: 'inSegment', values: ['beta-testers'], negate: true }],
        serve: { variant: 'outsider' },
      },
    ],
    fallthrough: { variant: 'insider' },
  });
  const notAny = stringFlag('not-any', ['in-one', 'in-none'], {
    rules: [
      {
        id: 'none',
        conditions: [
          { attribute: '', operator: 'inSegment', values: ['staff', 'beta-testers'], negate: true },
        ],
        serve: { variant: 'in-none' },
      },
    ],
    fallthrough: { variant: 'in-one' },
  });
  const misc = stringFlag('misc-segments', ['everyone', 'numeric', 'unicode', 'no'], {
    rules: [
      {
        id: 'numeric',
        conditions: [{ attribute: '', operator: 'inSegment', values: ['numeric-keys'] }],
        serve: { variant: 'numeric' },
      },
      {
        id: 'unicode',
        conditions: [
          { attribute: '', operator: 'inSegment', values: ['unicode-keys'] },
          { attribute: 'check', operator: 'equals', values: ['unicode'] },
        ],
        serve: { variant: 'unicode' },
      },
      {
        id: 'everyone',
        conditions: [
          { attribute: '', operator: 'inSegment', values: ['everyone'] },
          { attribute: 'check', operator: 'equals', values: ['everyone'] },
        ],
        serve: { variant: 'everyone' },
      },
    ],
    fallthrough: { variant: 'no' },
  });
  const c = (name: string, flag: string, context: unknown, expect: HandCase['expect']): HandCase => ({
    name,
    flag,
    context,
    expect,
  });
  const beta = ruleMatch('beta', 'beta');
  return {
    name: 'segments',
    description:
      'Segment membership: included key → in; else excluded key → out; else in when any segment rule holds. inSegment holds when the context is in any of the named segments; negated, when it is in none.',
    valid: true,
    snapshot: snapshot([audience, outsider, notAny, misc], segments),
    cases: [
      c('included', 'audience', { key: 'alice' }, beta),
      c('included beats excluded', 'audience', { key: 'bob' }, beta),
      c('excluded beats rules', 'audience', { key: 'carol', country: 'NL' }, fallthrough('default')),
      c(
        'excluded, rule would hold: later rules still apply',
        'audience',
        { key: 'dave', country: 'NL', age: 30 },
        ruleMatch('adult', 'adult'),
      ),
      c('segment rule', 'audience', { key: 'erin', country: 'NL' }, beta),
      c('segment rule fails', 'audience', { key: 'erin', country: 'FR' }, fallthrough('default')),
      c('segment rule, no key', 'audience', { country: 'NL' }, beta),
      c('segment rule, numeric key', 'audience', { key: 7, country: 'NL' }, beta),
      c(
        'second segment of the list, first rule',
        'audience',
        { key: 'frank', email: 'f@unveil.dev' },
        ruleMatch('staff', 'staff'),
      ),
      c(
        'second segment of the list, second rule',
        'audience',
        { key: 'gina', role: 'owner' },
        ruleMatch('staff', 'staff'),
      ),
      c(
        'both conditions of a segment rule',
        'audience',
        { key: 'hank', country: 'DE', age: 40 },
        fallthrough('default'),
      ),
      c('segment rules after an included segment', 'audience', { key: 'alice', role: 'admin' }, beta),
      c('non-object context', 'audience', 'alice', fallthrough('default')),
      c('negated: not in the segment', 'outsider', { key: 'zed' }, ruleMatch('outsider', 'not-beta')),
      c('negated: included', 'outsider', { key: 'alice' }, fallthrough('insider')),
      c('negated: excluded', 'outsider', { key: 'carol', country: 'NL' }, ruleMatch('outsider', 'not-beta')),
      c('negated: in by rule', 'outsider', { key: 'erin', country: 'NL' }, fallthrough('insider')),
      c('negated: no key, not in', 'outsider', { country: 'FR' }, ruleMatch('outsider', 'not-beta')),
      c('negated: non-object context is in no segment', 'outsider', null, ruleMatch('outsider', 'not-beta')),
      c('negated list: in none', 'not-any', { key: 'zed' }, ruleMatch('in-none', 'none')),
      c('negated list: in the second', 'not-any', { key: 'alice' }, fallthrough('in-one')),
      c('negated list: in the first', 'not-any', { key: 'zed', role: 'admin' }, fallthrough('in-one')),
      c(
        'numeric key 42 is not the included "42"',
        'misc-segments',
        { key: 42, check: 'none' },
        fallthrough('no'),
      ),
      c('string key "42" is included', 'misc-segments', { key: '42' }, ruleMatch('numeric', 'numeric')),
      c(
        'unicode included key',
        'misc-segments',
        { key: '🦄', check: 'unicode' },
        ruleMatch('unicode', 'unicode'),
      ),
      c('unicode excluded key', 'misc-segments', { key: 'josé', check: 'unicode' }, fallthrough('no')),
      c(
        'unicode key in by rule',
        'misc-segments',
        { key: 'jose\u0301', check: 'unicode' },
        ruleMatch('unicode', 'unicode'),
      ),
      c(
        'a segment rule with no conditions holds',
        'misc-segments',
        { check: 'everyone' },
        ruleMatch('everyone', 'everyone'),
      ),
      c(
        'a segment with no rules holds for nobody but its included keys',
        'misc-segments',
        { key: 'x' },
        fallthrough('no'),
      ),
    ],
  };
}

function valuesSuite(): HandSuite {
  const flags: Flag[] = [
    {
      key: 'json-values',
      type: 'json',
      variants: [
        { key: 'object', value: { theme: 'dark', sizes: [1, 2.5, -3], nested: { ok: true, none: null } } },
        { key: 'array', value: ['a', 1, false, null, { x: [] }] },
        { key: 'null', value: null },
        { key: 'string', value: '' },
        { key: 'number', value: 0 },
        { key: 'unicode', value: { ключ: '值 🎉', 'e\u0301': 'NFD key' } },
      ],
      enabled: true,
      offVariant: 'null',
      rules: ['object', 'array', 'string', 'number', 'unicode'].map((variant) => ({
        id: `serve-${variant}`,
        conditions: [{ attribute: 'want', operator: 'equals' as const, values: [variant] }],
        serve: { variant },
      })),
      fallthrough: { variant: 'null' },
    },
    {
      key: 'number-values',
      type: 'number',
      variants: [
        { key: 'zero', value: 0 },
        { key: 'negative', value: -1.5 },
        { key: 'huge', value: 1e308 },
        { key: 'tiny', value: 5e-324 },
      ],
      enabled: true,
      offVariant: 'zero',
      rules: ['negative', 'huge', 'tiny'].map((variant) => ({
        id: variant,
        conditions: [{ attribute: 'want', operator: 'equals' as const, values: [variant] }],
        serve: { variant },
      })),
      fallthrough: { variant: 'zero' },
    },
    {
      key: 'string-values',
      type: 'string',
      variants: [
        { key: 'empty', value: '' },
        { key: 'emoji', value: '🚀 launch', name: 'Emoji' },
      ],
      enabled: true,
      offVariant: 'empty',
      rules: [
        {
          id: 'emoji',
          conditions: [{ attribute: 'want', operator: 'equals', values: ['emoji'] }],
          serve: { variant: 'emoji' },
        },
      ],
      fallthrough: { variant: 'empty' },
    },
    booleanFlag('boolean-off', { enabled: false }),
    booleanFlag('boolean-off-true', { enabled: false, offVariant: 'on' }),
  ];
  const want = (flag: string, variant: string): HandCase => ({
    name: `${flag}: ${variant}`,
    flag,
    context: { want: variant },
    expect: ruleMatch(variant, flag === 'json-values' ? `serve-${variant}` : variant),
  });
  return {
    name: 'variant values',
    description:
      'Served values of every flag type, compared by deep equality: objects, arrays, null, empty string, 0, -1.5, 1e308, 5e-324; a disabled flag serves its off variant.',
    valid: true,
    snapshot: snapshot(flags),
    cases: [
      ...['object', 'array', 'string', 'number', 'unicode'].map((variant) => want('json-values', variant)),
      { name: 'json-values: null', flag: 'json-values', context: {}, expect: fallthrough('null') },
      ...['negative', 'huge', 'tiny'].map((variant) => want('number-values', variant)),
      { name: 'number-values: zero', flag: 'number-values', context: {}, expect: fallthrough('zero') },
      want('string-values', 'emoji'),
      { name: 'string-values: empty', flag: 'string-values', context: {}, expect: fallthrough('empty') },
      {
        name: 'boolean-off: serves off (false)',
        flag: 'boolean-off',
        context: { key: 'u' },
        expect: off('off'),
      },
      {
        name: 'boolean-off-true: serves on (true)',
        flag: 'boolean-off-true',
        context: {},
        expect: off('on'),
      },
    ],
  };
}

export const targetingFile: HandFile = {
  file: 'targeting.json',
  name: 'targeting',
  description: 'Hand-pinned: targets, rule order and ids, segments, variant values.',
  suites: [targetsSuite(), rulesSuite(), segmentsSuite(), valuesSuite()],
};
