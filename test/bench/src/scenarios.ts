/**
 * The workload every engine evaluates: two flag configurations (scenarios) and 10,000 pre-generated
 * contexts drawn from a seeded PRNG, so that every run and every engine sees exactly the same users.
 *
 * Each engine adapter (src/engines/*) translates the logical configuration below into its own format;
 * the constants here are the single source of truth for what the rules test.
 */

export type ScenarioId = 'a' | 'b';

export interface Scenario {
  readonly id: ScenarioId;
  readonly flagKey: string;
  readonly title: string;
  /** Whether the five targeting rules precede the fallthrough rollout. */
  readonly hasRules: boolean;
  /** Share of the fallthrough rollout served `true`, in percent (0–100). */
  readonly rolloutPercent: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'a', flagKey: 'release-a', title: '(a) 50 % rollout', hasRules: false, rolloutPercent: 50 },
  {
    id: 'b',
    flagKey: 'targeted-b',
    title: '(b) 5 rules + 25 % rollout',
    hasRules: true,
    rolloutPercent: 25,
  },
];

export function scenarioById(id: string): Scenario {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`unknown scenario ${id}`);
  return scenario;
}

/** Rule 1: `country` is one of these 20 codes. */
// biome-ignore format: a table reads better than a column
export const RULE_COUNTRIES: readonly string[] = [
  'US', 'CA', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'BE', 'SE',
  'NO', 'DK', 'FI', 'IE', 'PT', 'AT', 'CH', 'PL', 'CZ', 'JP',
];
/** Rule 2: `plan` equals this. */
export const RULE_PLAN = 'enterprise';
/** Rule 3: `email` ends with this. */
export const RULE_EMAIL_SUFFIX = '@example.com';
/** Rule 4: `age` is (numerically) greater than this. */
export const RULE_AGE_GT = 60;
/** Rule 5: the context key is one of the segment's included keys. */
export const SEGMENT_KEY = 'beta';
export const SEGMENT_SIZE = 100;

/** Countries that no rule lists. */
// biome-ignore format: a table reads better than a column
const OTHER_COUNTRIES: readonly string[] = [
  'BR', 'MX', 'AR', 'IN', 'CN', 'KR', 'AU', 'NZ', 'ZA', 'NG',
  'EG', 'KE', 'TR', 'UA', 'ID', 'TH', 'VN', 'PH', 'MY', 'SG',
  'CL', 'CO', 'PE', 'IL', 'SA', 'AE', 'GR', 'HU', 'RO', 'BG',
];
const OTHER_EMAIL_DOMAINS: readonly string[] = [
  'mail.test',
  'corp.example.org',
  'example.com.au',
  'inbox.dev',
];

export interface BenchContext {
  /** Targeting key, `user-<n>`, ASCII. */
  readonly key: string;
  readonly country: string;
  readonly plan: string;
  readonly email: string;
  readonly age: number;
}

export interface Workload {
  readonly contexts: readonly BenchContext[];
  /** Keys of the {@link SEGMENT_SIZE} contexts the segment includes. */
  readonly segmentKeys: readonly string[];
}

export const CONTEXT_COUNT = 10_000;
export const SEED = 0x5eed_2026;

/** mulberry32: a tiny, well-distributed 32-bit PRNG; deterministic for a given seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/**
 * Attribute distributions, chosen so that about 60 % of contexts fall through all five rules:
 * P(country listed) 15 %, P(enterprise) 10 %, P(@example.com) 8 %, P(age > 60) 10 %, P(in segment) 1 %
 * → P(no rule matches) ≈ 0.85 · 0.90 · 0.92 · 0.90 · 0.99 ≈ 62 %.
 */
export function generateWorkload(count = CONTEXT_COUNT, seed = SEED): Workload {
  const random = mulberry32(seed);
  const contexts: BenchContext[] = [];
  for (let n = 0; n < count; n++) {
    const country = random() < 0.15 ? pick(random, RULE_COUNTRIES) : pick(random, OTHER_COUNTRIES);
    const planDraw = random();
    const plan = planDraw < 0.1 ? RULE_PLAN : planDraw < 0.4 ? 'pro' : 'free';
    const domain = random() < 0.08 ? 'example.com' : pick(random, OTHER_EMAIL_DOMAINS);
    const age = random() < 0.1 ? 61 + Math.floor(random() * 30) : 18 + Math.floor(random() * 43);
    contexts.push({ key: `user-${n}`, country, plan, email: `u${n}@${domain}`, age });
  }
  const members = new Set<number>();
  while (members.size < Math.min(SEGMENT_SIZE, count)) members.add(Math.floor(random() * count));
  const segmentKeys = [...members].sort((x, y) => x - y).map((n) => `user-${n}`);
  return { contexts, segmentKeys };
}

/**
 * Whether one of scenario (b)'s five rules matches `context` — the reference the engines' own rule
 * configurations are checked against (every engine must serve `true` to exactly these contexts plus
 * about 25 % of the others).
 */
export function matchesAnyRule(context: BenchContext, segmentKeys: ReadonlySet<string>): boolean {
  return (
    RULE_COUNTRIES.includes(context.country) ||
    context.plan === RULE_PLAN ||
    context.email.endsWith(RULE_EMAIL_SUFFIX) ||
    context.age > RULE_AGE_GT ||
    segmentKeys.has(context.key)
  );
}
