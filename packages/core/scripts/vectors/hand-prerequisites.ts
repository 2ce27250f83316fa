/**
 * Hand-pinned: prerequisites (README "Evaluation order" step 3, "Malformed flags"): satisfied, wrong
 * variant, prerequisite off / failing its own prerequisite, chains, cycles, missing flags, depth limit.
 */
import type { Flag, Prerequisite } from '../../src/index.js';
import {
  booleanFlag,
  fallthrough,
  type HandCase,
  type HandExpectation,
  type HandFile,
  type HandSuite,
  MALFORMED,
  off,
  prerequisiteFailed,
  ruleMatch,
  snapshot,
  splitBy,
  stringFlag,
  target,
} from './hand.js';

const c = (name: string, flag: string, context: unknown, expect: HandExpectation): HandCase => ({
  name,
  flag,
  context,
  expect,
});

/** A string flag `key` serving `yes` (fallthrough) and `no` (off), after `prerequisites`. */
function dependent(key: string, prerequisites: Prerequisite[], overrides: Partial<Flag> = {}): Flag {
  return stringFlag(key, ['no', 'yes', 'vip'], {
    prerequisites,
    fallthrough: { variant: 'yes' },
    offVariant: 'no',
    ...overrides,
  });
}

function prerequisitesSuite(): HandSuite {
  const base = booleanFlag('base', {
    targets: [{ variant: 'off', keys: ['mallory'] }],
    rules: [
      {
        id: 'french-off',
        conditions: [{ attribute: 'country', operator: 'equals', values: ['FR'] }],
        serve: { variant: 'off' },
      },
    ],
  });
  const half = booleanFlag('half', {
    fallthrough: {
      rollout: {
        variants: [
          { variant: 'on', weight: 50_000 },
          { variant: 'off', weight: 50_000 },
        ],
      },
    },
  });
  const unbucketable = booleanFlag('by-device', {
    fallthrough: { rollout: { bucketBy: 'device', variants: [{ variant: 'on', weight: 100_000 }] } },
  });
  const flags: Flag[] = [
    base,
    dependent('needs-base-on', [{ flag: 'base', variants: ['on'] }], {
      targets: [{ variant: 'vip', keys: ['alice', 'mallory'] }],
    }),
    dependent('needs-base-any', [{ flag: 'base', variants: ['on', 'off'] }]),
    booleanFlag('disabled-on', { enabled: false, offVariant: 'on' }),
    dependent('needs-disabled', [{ flag: 'disabled-on', variants: ['on'] }]),
    dependent('needs-needs', [{ flag: 'needs-base-on', variants: ['yes', 'no', 'vip'] }]),
    dependent('chain-3', [{ flag: 'needs-needs', variants: ['yes'] }]),
    stringFlag('other', ['x', 'y'], {
      rules: [
        {
          id: 'beta-y',
          conditions: [{ attribute: 'beta', operator: 'equals', values: [true] }],
          serve: { variant: 'y' },
        },
      ],
      fallthrough: { variant: 'x' },
    }),
    dependent('needs-two', [
      { flag: 'base', variants: ['on'] },
      { flag: 'other', variants: ['y'] },
    ]),
    half,
    dependent('needs-half-on', [{ flag: 'half', variants: ['on'] }]),
    unbucketable,
    dependent('needs-unbucketed-off', [{ flag: 'by-device', variants: ['off'] }]),
    dependent('needs-base-disabled', [{ flag: 'base', variants: ['on'] }], { enabled: false }),
    dependent('needs-base-then-rules', [{ flag: 'base', variants: ['on'] }], {
      rules: [
        {
          id: 'vip-rule',
          conditions: [{ attribute: 'vip', operator: 'equals', values: [true] }],
          serve: { variant: 'vip' },
        },
      ],
    }),
    dependent('diamond', [
      { flag: 'needs-base-on', variants: ['yes', 'vip'] },
      { flag: 'needs-base-any', variants: ['yes'] },
    ]),
  ];
  const cases: HandCase[] = [
    c('base: on', 'base', { key: 'u', country: 'NL' }, fallthrough('on')),
    c('base: off by rule', 'base', { key: 'u', country: 'FR' }, ruleMatch('off', 'french-off')),
    c('satisfied (FALLTHROUGH on)', 'needs-base-on', { key: 'u', country: 'NL' }, fallthrough('yes')),
    c(
      'wrong variant (RULE_MATCH off)',
      'needs-base-on',
      { key: 'u', country: 'FR' },
      prerequisiteFailed('no'),
    ),
    c(
      'wrong variant (TARGET_MATCH off)',
      'needs-base-on',
      { key: 'mallory', country: 'NL' },
      prerequisiteFailed('no'),
    ),
    c(
      'prerequisites before targets',
      'needs-base-on',
      { key: 'alice', country: 'FR' },
      prerequisiteFailed('no'),
    ),
    c(
      'targets after satisfied prerequisites',
      'needs-base-on',
      { key: 'alice', country: 'NL' },
      target('vip'),
    ),
    c('satisfied by either variant (on)', 'needs-base-any', { country: 'NL' }, fallthrough('yes')),
    c('satisfied by either variant (off by rule)', 'needs-base-any', { country: 'FR' }, fallthrough('yes')),
    c(
      'satisfied by either variant (off by target)',
      'needs-base-any',
      { key: 'mallory' },
      fallthrough('yes'),
    ),
    c('disabled-on serves on with OFF', 'disabled-on', {}, off('on')),
    c(
      'prerequisite off: fails even though its off variant is required',
      'needs-disabled',
      {},
      prerequisiteFailed('no'),
    ),
    c('prerequisite passes', 'needs-needs', { country: 'NL' }, fallthrough('yes')),
    c(
      'prerequisite failing its own prerequisite fails, whatever its variant',
      'needs-needs',
      { country: 'FR' },
      prerequisiteFailed('no'),
    ),
    c('prerequisite targeted', 'needs-needs', { key: 'alice', country: 'NL' }, fallthrough('yes')),
    c('chain of three, satisfied', 'chain-3', { country: 'NL' }, fallthrough('yes')),
    c('chain of three, failing at the root', 'chain-3', { country: 'FR' }, prerequisiteFailed('no')),
    c('two prerequisites, both hold', 'needs-two', { country: 'NL', beta: true }, fallthrough('yes')),
    c('two prerequisites, second fails', 'needs-two', { country: 'NL' }, prerequisiteFailed('no')),
    c('two prerequisites, first fails', 'needs-two', { country: 'FR', beta: true }, prerequisiteFailed('no')),
    c('two prerequisites, both fail', 'needs-two', { country: 'FR' }, prerequisiteFailed('no')),
    c(
      'prerequisite DEFAULT (unbucketable) serving the required off variant holds',
      'needs-unbucketed-off',
      { key: 'u' },
      fallthrough('yes'),
    ),
    c('prerequisite DEFAULT for a non-object context', 'needs-unbucketed-off', null, fallthrough('yes')),
    c(
      'prerequisite SPLIT to on: wrong variant',
      'needs-unbucketed-off',
      { key: 'u', device: 'd-1' },
      prerequisiteFailed('no'),
    ),
    c('disabled dependent: OFF before prerequisites', 'needs-base-disabled', { country: 'NL' }, off('no')),
    c(
      'disabled dependent, failing prerequisite: still OFF',
      'needs-base-disabled',
      { country: 'FR' },
      off('no'),
    ),
    c(
      'rules after satisfied prerequisites',
      'needs-base-then-rules',
      { country: 'NL', vip: true },
      ruleMatch('vip', 'vip-rule'),
    ),
    c(
      'rules after failed prerequisites do not apply',
      'needs-base-then-rules',
      { country: 'FR', vip: true },
      prerequisiteFailed('no'),
    ),
    c('diamond: both hold', 'diamond', { country: 'NL' }, fallthrough('yes')),
    c('diamond: one fails', 'diamond', { country: 'FR' }, prerequisiteFailed('no')),
    c('diamond: first holds by target', 'diamond', { key: 'alice', country: 'NL' }, fallthrough('yes')),
  ];
  // needs-half-on holds exactly for the contexts the 50/50 rollout of `half` puts on `on` (reference hash).
  for (let i = 0; i < 12; i++) {
    const context = { key: `user-${i}` };
    const split = splitBy(half, undefined, context);
    if (split === undefined || split.reason === 'ERROR') throw new Error('half always buckets a key');
    cases.push(c(`half: ${context.key}`, 'half', context, split));
    cases.push(
      c(
        `prerequisite decided by a rollout: ${context.key} gets ${split.variant}`,
        'needs-half-on',
        context,
        split.variant === 'on' ? fallthrough('yes') : prerequisiteFailed('no'),
      ),
    );
  }
  return {
    name: 'prerequisites',
    description:
      'A prerequisite holds when its flag evaluates with a reason other than OFF, PREREQUISITE_FAILED and ERROR and serves one of the listed variants; otherwise the off variant is served with PREREQUISITE_FAILED. Prerequisites come after the kill switch and before targets.',
    valid: true,
    snapshot: snapshot(flags),
    cases,
  };
}

/** chain-0 has no prerequisite; chain-i requires chain-(i-1) to serve on. chain-i has depth i. */
function depthChain(length: number): Flag[] {
  return Array.from({ length }, (_, i) =>
    booleanFlag(
      `depth-${i}`,
      i === 0 ? {} : { prerequisites: [{ flag: `depth-${i - 1}`, variants: ['on'] }] },
    ),
  );
}

function prerequisiteErrorsSuite(): HandSuite {
  const flags: Flag[] = [
    booleanFlag('healthy'),
    dependent('self-cycle', [{ flag: 'self-cycle', variants: ['yes'] }]),
    dependent('cycle-a', [{ flag: 'cycle-b', variants: ['yes'] }]),
    dependent('cycle-b', [{ flag: 'cycle-a', variants: ['yes'] }]),
    dependent('ring-x', [{ flag: 'ring-y', variants: ['yes'] }]),
    dependent('ring-y', [{ flag: 'ring-z', variants: ['yes'] }]),
    dependent('ring-z', [{ flag: 'ring-x', variants: ['yes'] }]),
    dependent('needs-cycle', [{ flag: 'cycle-a', variants: ['yes'] }]),
    dependent('needs-healthy-then-cycle', [
      { flag: 'healthy', variants: ['off'] },
      { flag: 'cycle-b', variants: ['yes'] },
    ]),
    dependent('cycle-off', [{ flag: 'cycle-on', variants: ['yes'] }], { enabled: false }),
    dependent('cycle-on', [{ flag: 'cycle-off', variants: ['yes'] }]),
    dependent('self-cycle-off', [{ flag: 'self-cycle-off', variants: ['yes'] }], { enabled: false }),
    dependent('needs-ghost', [{ flag: 'ghost', variants: ['on'] }]),
    dependent('needs-ghost-second', [
      { flag: 'healthy', variants: ['on'] },
      { flag: 'ghost', variants: ['on'] },
    ]),
    dependent('needs-ghost-off', [{ flag: 'ghost', variants: ['on'] }], { enabled: false }),
    dependent('needs-needs-ghost', [{ flag: 'needs-ghost', variants: ['yes'] }]),
    ...depthChain(35),
    dependent('needs-depth-31', [{ flag: 'depth-31', variants: ['on'] }]),
    dependent('needs-depth-32', [{ flag: 'depth-32', variants: ['on'] }]),
  ];
  const u = { key: 'user-1' };
  const cases: HandCase[] = [
    c('a healthy flag in a broken snapshot works', 'healthy', u, fallthrough('on')),
    c('self cycle', 'self-cycle', u, MALFORMED),
    c('two-flag cycle (a)', 'cycle-a', u, MALFORMED),
    c('two-flag cycle (b)', 'cycle-b', u, MALFORMED),
    c('three-flag cycle (x)', 'ring-x', u, MALFORMED),
    c('three-flag cycle (y)', 'ring-y', u, MALFORMED),
    c('three-flag cycle (z)', 'ring-z', u, MALFORMED),
    c('requires a flag in a cycle', 'needs-cycle', u, MALFORMED),
    c('requires a flag in a cycle after a failing prerequisite', 'needs-healthy-then-cycle', u, MALFORMED),
    c('a disabled flag in a cycle serves OFF', 'cycle-off', u, off('no')),
    c('an enabled flag in a cycle with a disabled one', 'cycle-on', u, MALFORMED),
    c('a disabled self cycle serves OFF', 'self-cycle-off', u, off('no')),
    c('missing prerequisite flag', 'needs-ghost', u, MALFORMED),
    c('missing prerequisite flag, after one that holds', 'needs-ghost-second', u, MALFORMED),
    c('missing prerequisite flag, non-object context', 'needs-ghost', null, MALFORMED),
    c('disabled flag with a missing prerequisite serves OFF', 'needs-ghost-off', u, off('no')),
    c('requires a flag with a missing prerequisite', 'needs-needs-ghost', u, MALFORMED),
    c('depth 0', 'depth-0', u, fallthrough('on')),
    c('depth 1', 'depth-1', u, fallthrough('on')),
    c('depth 31', 'depth-31', u, fallthrough('on')),
    c('depth 32 (the limit) evaluates', 'depth-32', u, fallthrough('on')),
    c('depth 33 is deeper than 32', 'depth-33', u, MALFORMED),
    c('depth 34 is deeper than 32', 'depth-34', u, MALFORMED),
    c('a flag requiring depth-31 has depth 32', 'needs-depth-31', u, fallthrough('yes')),
    c('a flag requiring depth-32 has depth 33', 'needs-depth-32', u, MALFORMED),
  ];
  return {
    name: 'prerequisite errors',
    description:
      'Prerequisite cycles, missing prerequisite flags and chains deeper than 32 (depth = prerequisite edges below a flag: depth-i requires depth-(i-1), depth-0 none) make a flag ERROR / MALFORMED_FLAG, and so does requiring such a flag; a disabled flag still serves OFF; other flags keep working.',
    valid: false,
    snapshot: snapshot(flags),
    cases,
  };
}

export const prerequisitesFile: HandFile = {
  file: 'prerequisites.json',
  name: 'prerequisites',
  description: 'Hand-pinned: prerequisites, their failures and their configuration errors.',
  suites: [prerequisitesSuite(), prerequisiteErrorsSuite()],
};
