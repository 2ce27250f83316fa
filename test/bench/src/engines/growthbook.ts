/**
 * GrowthBook's JS SDK, server-side multi-user client: `GrowthBookClient.isOn(key, userContext)`, the
 * documented fast path for evaluating per request — no per-user instance, no attribute mutation.
 * The payload is handed over with `initSync`, so nothing is fetched.
 */
import {
  type FeatureDefinition,
  type FeatureRule,
  GrowthBookClient,
  type UserContext,
} from '@growthbook/growthbook';
import {
  RULE_AGE_GT,
  RULE_COUNTRIES,
  RULE_EMAIL_SUFFIX,
  RULE_PLAN,
  type Scenario,
  SEGMENT_KEY,
} from '../scenarios.js';
import { packageVersion } from './package-version.js';
import { type Engine, syncEngine } from './types.js';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function growthbookFeature(scenario: Scenario): FeatureDefinition<boolean> {
  // Rules are tried in order; a `force` rule without coverage serves its value to whoever matches.
  const rules: FeatureRule<boolean>[] = scenario.hasRules
    ? [
        { id: 'country', condition: { country: { $in: [...RULE_COUNTRIES] } }, force: true },
        { id: 'plan', condition: { plan: { $eq: RULE_PLAN } }, force: true },
        // GrowthBook has no endsWith operator: an anchored regex is its documented way to say it.
        { id: 'email', condition: { email: { $regex: `${escapeRegex(RULE_EMAIL_SUFFIX)}$` } }, force: true },
        { id: 'age', condition: { age: { $gt: RULE_AGE_GT } }, force: true },
        // A saved group (list type) on the `id` attribute is GrowthBook's segment.
        { id: 'segment', condition: { id: { $inGroup: SEGMENT_KEY } }, force: true },
      ]
    : [];
  // The percentage rollout: a force rule with coverage, hashed on `id` (hash version 2, the current one).
  rules.push({
    id: 'rollout',
    force: true,
    coverage: scenario.rolloutPercent / 100,
    hashAttribute: 'id',
    hashVersion: 2,
  });
  return { defaultValue: false, rules };
}

export const growthbook: Engine = {
  id: 'growthbook',
  name: `GrowthBook ${packageVersion('@growthbook/growthbook')}`,
  role: 'peer',
  async setup(scenario, workload) {
    const client = new GrowthBookClient({ enabled: true });
    client.initSync({
      payload: {
        features: { [scenario.flagKey]: growthbookFeature(scenario) },
        savedGroups: { [SEGMENT_KEY]: [...workload.segmentKeys] },
      },
    });
    const users: UserContext[] = workload.contexts.map((c) => ({
      attributes: { id: c.key, country: c.country, plan: c.plan, email: c.email, age: c.age },
    }));
    const flagKey = scenario.flagKey;
    return syncEngine(
      (index) => client.isOn(flagKey, users[index]!),
      () => client.destroy(),
    );
  },
};
