/**
 * unleash-client (Node server SDK), evaluating locally with `isEnabled(name, context)`. The toggles are
 * bootstrapped from memory; `refreshInterval: 0` disables polling (the fetcher returns before any
 * request) and `disableMetrics` the metrics reporter, so the SDK never touches the network.
 */
import {
  type ClientFeaturesResponse,
  type Context,
  InMemStorageProvider,
  Unleash,
  UnleashEvents,
} from 'unleash-client';
import {
  RULE_AGE_GT,
  RULE_COUNTRIES,
  RULE_EMAIL_SUFFIX,
  RULE_PLAN,
  type Scenario,
  type Workload,
} from '../scenarios.js';
import { packageVersion } from './package-version.js';
import { type Engine, syncEngine } from './types.js';

const SEGMENT_ID = 1;

type Toggle = ClientFeaturesResponse['features'][number];
type Strategy = NonNullable<Toggle['strategies']>[number];
type Constraint = Strategy['constraints'][number];

/** The SDK's `Operator` is a TypeScript enum; the wire format is its string value. */
function constraint(contextName: string, operator: string, values: string[], value?: string): Constraint {
  const c = { contextName, operator, inverted: false, values } as unknown as Constraint;
  if (value !== undefined) c.value = value;
  return c;
}

/** The standard `default` strategy (on for everyone) gated by constraints: a targeting rule. */
function ruleStrategy(constraints: Constraint[], segments: number[] = []): Strategy {
  return { name: 'default', parameters: {}, constraints, segments };
}

export function unleashFeatures(scenario: Scenario, workload: Workload): ClientFeaturesResponse {
  // Strategies are tried in order and the first enabled one switches the toggle on, so the five
  // constrained `default` strategies play the rules and the flexibleRollout the fallthrough.
  const strategies: Strategy[] = scenario.hasRules
    ? [
        ruleStrategy([constraint('country', 'IN', [...RULE_COUNTRIES])]),
        ruleStrategy([constraint('plan', 'IN', [RULE_PLAN])]),
        ruleStrategy([constraint('email', 'STR_ENDS_WITH', [RULE_EMAIL_SUFFIX])]),
        ruleStrategy([constraint('age', 'NUM_GT', [], String(RULE_AGE_GT))]),
        ruleStrategy([], [SEGMENT_ID]),
      ]
    : [];
  strategies.push({
    name: 'flexibleRollout',
    parameters: { rollout: String(scenario.rolloutPercent), stickiness: 'userId', groupId: scenario.flagKey },
    constraints: [],
  });
  return {
    version: 2,
    features: [{ name: scenario.flagKey, type: 'release', enabled: true, strategies }],
    segments: scenario.hasRules
      ? [{ id: SEGMENT_ID, constraints: [constraint('userId', 'IN', [...workload.segmentKeys])] }]
      : [],
  };
}

export const unleash: Engine = {
  id: 'unleash',
  name: `unleash-client ${packageVersion('unleash-client')}`,
  role: 'peer',
  async setup(scenario, workload) {
    const { features, segments = [] } = unleashFeatures(scenario, workload);
    const client = new Unleash({
      appName: 'unveil-bench',
      url: 'http://127.0.0.1:9/api/', // never contacted: polling and metrics are off
      refreshInterval: 0,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
      bootstrap: { data: features, segments },
      skipInstanceCountWarning: true,
    });
    const errors: Error[] = [];
    client.on(UnleashEvents.Error, (error: Error) => errors.push(error));
    client.on(UnleashEvents.Warn, () => {});
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`unleash: not ready after 5 s ${errors.join('; ')}`)),
        5000,
      );
      client.once(UnleashEvents.Ready, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const contexts: Context[] = workload.contexts.map((c) => ({
      userId: c.key,
      properties: { country: c.country, plan: c.plan, email: c.email, age: c.age },
    }));
    const flagKey = scenario.flagKey;
    return syncEngine(
      (index) => client.isEnabled(flagKey, contexts[index]),
      () => client.destroy(),
    );
  },
};
