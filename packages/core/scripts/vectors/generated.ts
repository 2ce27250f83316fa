/**
 * Generated suites: random but valid snapshots (flags with targets, rules, rollouts, prerequisites and
 * segments over a shared pool of attribute values) and random contexts drawn from the same pools, so
 * that conditions hold often enough to matter. Expected results are recorded from the evaluator: these
 * are regression pins for combinations, not hand-checked semantics.
 */
import type {
  Condition,
  ConditionValue,
  Flag,
  FlagType,
  JsonValue,
  Prerequisite,
  Rollout,
  Rule,
  Segment,
  Serve,
  Snapshot,
  Target,
  Variant,
} from '../../src/index.js';
import { OPERATORS } from '../../src/index.js';
import { Prng } from './prng.js';

export interface GeneratedDraft {
  name: string;
  description: string;
  snapshot: Snapshot;
  cases: { flag: string; context: unknown }[];
}

const KEYS = [
  ...Array.from({ length: 24 }, (_, i) => `user-${i}`),
  'alice',
  'bob',
  'carol',
  'jos\u00e9',
  '用户-7',
  '🦄',
  'ключ',
  '',
];

interface AttributeSpec {
  /** Top-level name or JSON pointer. */
  name: string;
  values: readonly unknown[];
  /** Operands for substring operators / regexes / comparisons, where they make sense. */
  fragments?: readonly string[];
  regexes?: readonly string[];
}

const COUNTRY: AttributeSpec = {
  name: 'country',
  values: ['NL', 'BE', 'DE', 'FR', 'US', 'JP', 'nl', 'ES'],
  fragments: ['N', 'L', 'E', 'nl', ''],
  regexes: ['^[A-Z]+$', '^N', 'E|J'],
};
const PLAN: AttributeSpec = {
  name: 'plan',
  values: ['free', 'pro', 'enterprise', 'Pro', 'team'],
  fragments: ['pro', 'Pro', 'ent', 'free', 'e'],
  regexes: ['^pro$', 'e', '^(free|team)$'],
};
const EMAIL: AttributeSpec = {
  name: 'email',
  values: [
    'ann@example.com',
    'bob@unveil.dev',
    'CAROL@EXAMPLE.COM',
    'dan@mail.example.org',
    'eve@unveil.dev.evil.com',
  ],
  fragments: ['@unveil.dev', '@example.com', 'ann', '.org', 'EXAMPLE'],
  regexes: ['^[a-z]+@unveil.dev$', 'example.com$', '^(ann|bob)@'],
};
const VERSION: AttributeSpec = {
  name: 'version',
  values: [
    '0.9.9',
    '1.0.0',
    '1.0.0-rc.1',
    '1.2.3',
    '1.2.3+build.7',
    '1.10.0',
    '2.0.0-beta.2',
    '2.0.0',
    '10.0.0',
    'v1.0.0',
    '1.2',
  ],
  fragments: ['1.', '-rc', '.0'],
  regexes: ['^1.', '-(rc|beta)', '^\\d+.\\d+.\\d+$'],
};
const SIGNUP: AttributeSpec = {
  name: 'signup',
  values: [
    '2025-01-01',
    '2026-06-30T12:00:00Z',
    '2026-11-22T10:00:00+01:00',
    '2027-03-01T00:00:00.5Z',
    '2026-02-30',
    1_767_225_600_000,
    1_790_000_000_000,
    'soon',
  ],
  fragments: ['2026', 'T', 'Z'],
};
const AGE: AttributeSpec = { name: 'age', values: [0, 12, 17, 18, 21, 35, 64, 65, 99, -1] };
const SCORE: AttributeSpec = { name: 'score', values: [-1.5, 0, 0.5, 49.99, 50, 50.01, 99.9, 1e6] };
const BETA: AttributeSpec = { name: 'beta', values: [true, false] };
const TAGS: AttributeSpec = {
  name: 'tags',
  values: [['beta'], ['alpha', 'vip'], [], ['internal', 'ios'], ['android', 'beta', 'vip'], ['ios']],
  fragments: ['beta', 'al', 'ios', 'v'],
  regexes: ['^(beta|alpha)$', 'o'],
};
const CITY: AttributeSpec = {
  name: '/address/city',
  values: ['Amsterdam', 'Utrecht', 'Paris', '東京', 'São Paulo'],
  fragments: ['Am', 'dam', '東', 'Paulo', 'a'],
  regexes: ['^[A-Z][a-z]+$', 'dam$'],
};
const ORG: AttributeSpec = { name: 'org', values: ['acme', 'globex', 'initech', 42, 7, -3] };
const DEVICE: AttributeSpec = {
  name: 'device',
  values: ['d-1', 'd-2', 'd-3', 'd-10', 'phone-é'],
  fragments: ['d-', '-1', 'é'],
  regexes: ['^d-\\d+$'],
};

const ATTRIBUTES = [COUNTRY, PLAN, EMAIL, VERSION, SIGNUP, AGE, SCORE, BETA, TAGS, CITY, ORG, DEVICE];
const STRINGY = [COUNTRY, PLAN, EMAIL, CITY, TAGS, DEVICE, VERSION];
const NUMBER_OPERANDS = [0, 17, 18, 21, 50, 65, 49.99, -1, 1e6];
const SEMVER_OPERANDS = ['1.0.0', '1.2.3', '2.0.0-beta.2', '2.0.0', '1.10.0', '0.9.9', '1.0.0-rc.1'];
const TIME_OPERANDS = ['2026-01-01', '2026-11-22T10:00:00Z', 1_790_000_000_000, '2027-01-01T00:00:00+02:00'];

function scalarsOf(values: readonly unknown[]): ConditionValue[] {
  return values.flatMap((value) =>
    Array.isArray(value) ? (value as ConditionValue[]) : [value as ConditionValue],
  );
}

class Generator {
  constructor(
    private readonly rng: Prng,
    private readonly segmentKeys: string[],
  ) {}

  condition(allowSegments: boolean): Condition {
    const rng = this.rng;
    let operator = rng.pick(OPERATORS);
    if (operator === 'inSegment' && !allowSegments) operator = 'equals';
    const negate = rng.chance(0.2) ? { negate: true } : {};
    const some = <T>(items: readonly T[]): T[] => rng.sample(items, rng.between(1, 3));
    switch (operator) {
      case 'equals':
      case 'in': {
        const attribute = rng.pick([COUNTRY, PLAN, AGE, BETA, ORG, TAGS, CITY, EMAIL, SCORE]);
        const values = some(scalarsOf(attribute.values));
        if (rng.chance(0.15)) values.push(rng.pick(['18', 'true', 42, true, 'NL']));
        return { attribute: attribute.name, operator, values, ...negate };
      }
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        const attribute = rng.pick(STRINGY);
        return { attribute: attribute.name, operator, values: some(attribute.fragments!), ...negate };
      }
      case 'matches': {
        const attribute = rng.pick(STRINGY.filter((spec) => spec.regexes));
        return { attribute: attribute.name, operator, values: some(attribute.regexes!), ...negate };
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        const attribute = rng.chance(0.9) ? rng.pick([AGE, SCORE]) : rng.pick([COUNTRY, SIGNUP, BETA]);
        return { attribute: attribute.name, operator, values: some(NUMBER_OPERANDS), ...negate };
      }
      case 'semverEq':
      case 'semverLt':
      case 'semverGt': {
        const attribute = rng.chance(0.9) ? VERSION : PLAN;
        return { attribute: attribute.name, operator, values: some(SEMVER_OPERANDS), ...negate };
      }
      case 'before':
      case 'after': {
        const attribute = rng.chance(0.9) ? SIGNUP : AGE;
        return { attribute: attribute.name, operator, values: some(TIME_OPERANDS), ...negate };
      }
      case 'exists':
        return { attribute: rng.pick(ATTRIBUTES).name, operator, values: [], ...negate };
      case 'inSegment':
        return { attribute: '', operator, values: some(this.segmentKeys), ...negate };
    }
  }

  conditions(allowSegments: boolean): Condition[] {
    const count = this.rng.pick([0, 1, 1, 1, 2, 2, 3]);
    return Array.from({ length: count }, () => this.condition(allowSegments));
  }

  variants(type: FlagType): Variant[] {
    const rng = this.rng;
    switch (type) {
      case 'boolean':
        return [
          { key: 'on', value: true },
          { key: 'off', value: false },
        ];
      case 'string': {
        const keys = rng.sample(['control', 'treatment', 'treatment-b', 'holdout'], rng.between(2, 4));
        return keys.map((key) => ({ key, value: rng.chance(0.8) ? key : `${key} ✓` }));
      }
      case 'number': {
        const values: Record<string, number> = { low: 0, mid: 1.5, high: 100, neg: -3 };
        return rng
          .sample(Object.keys(values), rng.between(2, 4))
          .map((key) => ({ key, value: values[key]! }));
      }
      case 'json': {
        const values: Record<string, JsonValue> = {
          small: { size: 'S', columns: [1, 2] },
          large: { size: 'L', columns: [1, 2, 3, 4], extra: { on: true } },
          list: ['a', 1, null],
          none: null,
        };
        return rng
          .sample(Object.keys(values), rng.between(2, 4))
          .map((key) => ({ key, value: values[key]! }));
      }
    }
  }

  rollout(variants: Variant[], full: boolean): Rollout {
    const rng = this.rng;
    const chosen = rng.sample(variants, rng.between(1, variants.length));
    if (rng.chance(0.3)) chosen.reverse();
    const total = full || rng.chance(0.4) ? 100_000 : rng.between(0, 100_000);
    const cuts = Array.from({ length: chosen.length - 1 }, () => rng.between(0, total)).sort((a, b) => a - b);
    const bounds = [0, ...cuts, total];
    const weights = chosen.map((variant, i) => ({
      variant: variant.key,
      weight: bounds[i + 1]! - bounds[i]!,
    }));
    if (chosen.length > 1 && rng.chance(0.2)) {
      // Move one variant's weight to its neighbour: a 0-weight variant.
      const i = rng.int(chosen.length - 1);
      weights[i + 1]!.weight += weights[i]!.weight;
      weights[i]!.weight = 0;
    }
    const bucketBy = rng.pick([undefined, undefined, undefined, undefined, 'org', 'device']);
    const salt = rng.chance(0.25) ? rng.pick(['release-1', 'shared-salt', '', 'sël']) : undefined;
    return {
      ...(bucketBy === undefined ? {} : { bucketBy }),
      ...(salt === undefined ? {} : { salt }),
      variants: weights,
    };
  }

  serve(variants: Variant[], inRule: boolean): Serve {
    const rng = this.rng;
    if (rng.chance(inRule ? 0.7 : 0.55)) return { variant: rng.pick(variants).key };
    return { rollout: this.rollout(variants, !inRule) };
  }

  flag(key: string, earlier: Flag[]): Flag {
    const rng = this.rng;
    const type = rng.pick<FlagType>(['boolean', 'boolean', 'string', 'number', 'json']);
    const variants = this.variants(type);
    const targets: Target[] = rng.chance(0.3)
      ? Array.from({ length: rng.between(1, 2) }, () => ({
          variant: rng.pick(variants).key,
          keys: rng.sample(KEYS, rng.between(1, 4)),
        }))
      : [];
    const rules: Rule[] = Array.from({ length: rng.pick([0, 1, 1, 2, 2, 3, 4]) }, (_, i) => ({
      id: `${key}-rule-${i}`,
      conditions: this.conditions(true),
      serve: this.serve(variants, true),
    }));
    const prerequisites: Prerequisite[] =
      earlier.length > 0 && rng.chance(0.3)
        ? rng.sample(earlier, rng.between(1, 2)).map((required) => ({
            flag: required.key,
            variants: rng.sample(
              required.variants.map((variant) => variant.key),
              rng.between(1, required.variants.length),
            ),
          }))
        : [];
    return {
      key,
      type,
      variants,
      enabled: rng.chance(0.9),
      offVariant: rng.pick(variants).key,
      ...(targets.length > 0 ? { targets } : {}),
      ...(rules.length > 0 ? { rules } : {}),
      fallthrough: this.serve(variants, false),
      ...(prerequisites.length > 0 ? { prerequisites } : {}),
      version: rng.between(1, 50),
    };
  }

  segment(key: string): Segment {
    const rng = this.rng;
    return {
      key,
      included: rng.sample(KEYS, rng.between(0, 4)),
      excluded: rng.sample(KEYS, rng.between(0, 4)),
      rules: Array.from({ length: rng.between(0, 2) }, (_, i) => ({
        id: `${key}-rule-${i}`,
        conditions: this.conditions(false).slice(0, 2),
      })),
    };
  }

  value(spec: AttributeSpec): unknown {
    const rng = this.rng;
    if (rng.chance(0.05)) return null;
    if (rng.chance(0.06)) return rng.pick(rng.pick(ATTRIBUTES).values);
    return rng.pick(spec.values);
  }

  context(): unknown {
    const rng = this.rng;
    if (rng.chance(0.05)) return rng.pick([null, [], ['user-1'], 'user-1', 7, true]);
    const context: Record<string, unknown> = {};
    const roll = rng.int(100);
    if (roll < 85) context.key = rng.pick(KEYS);
    else if (roll < 90) context.key = rng.pick([42, -7, 3.5, true]);
    for (const spec of ATTRIBUTES) {
      if (!rng.chance(0.55)) continue;
      if (spec === CITY) {
        context.address = rng.chance(0.9) ? { city: this.value(spec), zip: '1011' } : 'Damrak 1';
      } else {
        context[spec.name] = this.value(spec);
      }
    }
    return context;
  }
}

export function generatedDrafts(count: number, seed: number): GeneratedDraft[] {
  const drafts: GeneratedDraft[] = [];
  for (let n = 0; n < count; n++) {
    const rng = new Prng(seed + n);
    const segmentKeys = ['seg-a', 'seg-b', 'seg-c'];
    const generator = new Generator(rng, segmentKeys);
    const segments = segmentKeys.map((key) => generator.segment(key));
    const flags: Flag[] = [];
    for (let i = 0; i < 8; i++) flags.push(generator.flag(`gen-${n}-${i}`, flags));
    const contexts = Array.from({ length: 16 }, () => generator.context());
    drafts.push({
      name: `generated ${n + 1}`,
      description: `Random valid snapshot and contexts (seed ${seed + n}); every flag × every context. Expected results recorded from the evaluator (regression pins).`,
      snapshot: { version: n + 1, flags, segments },
      cases: flags.flatMap((flag) => contexts.map((context) => ({ flag: flag.key, context }))),
    });
  }
  return drafts;
}
