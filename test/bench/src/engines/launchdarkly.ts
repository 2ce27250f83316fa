/**
 * LaunchDarkly's Node server SDK, evaluating locally from the `TestData` data source (no network: the
 * data source is in memory, analytics events and diagnostics are off). The TestData flag builder cannot
 * express a percentage rollout, so the flag and the segment are given as raw LaunchDarkly flag/segment
 * JSON through `usePreconfiguredFlag` / `usePreconfiguredSegment` — the same model the SDK receives from
 * LaunchDarkly's streaming service.
 *
 * `variation()` returns a promise (the SDK's store interface is asynchronous), so every evaluation is
 * awaited: the figure is the real per-call cost an application pays.
 */
import { basicLogger, init, type LDContext } from '@launchdarkly/node-server-sdk';
import { TestData } from '@launchdarkly/node-server-sdk/integrations';
import {
  RULE_AGE_GT,
  RULE_COUNTRIES,
  RULE_EMAIL_SUFFIX,
  RULE_PLAN,
  type Scenario,
  SEGMENT_KEY,
} from '../scenarios.js';
import { packageVersion } from './package-version.js';
import type { Engine } from './types.js';

const ON = 0; // index of `true` in `variations`
const OFF = 1;

function rule(id: string, attribute: string, op: string, values: (string | number)[]): object {
  return { id, variation: ON, clauses: [{ contextKind: 'user', attribute, op, values, negate: false }] };
}

export function launchdarklyFlag(scenario: Scenario): object {
  const onWeight = scenario.rolloutPercent * 1000; // LD weights are also in thousandths of a percent
  return {
    key: scenario.flagKey,
    version: 1,
    on: true,
    variations: [true, false],
    offVariation: OFF,
    salt: scenario.flagKey,
    targets: [],
    contextTargets: [],
    prerequisites: [],
    rules: scenario.hasRules
      ? [
          rule('country', 'country', 'in', [...RULE_COUNTRIES]),
          rule('plan', 'plan', 'in', [RULE_PLAN]),
          rule('email', 'email', 'endsWith', [RULE_EMAIL_SUFFIX]),
          rule('age', 'age', 'greaterThan', [RULE_AGE_GT]),
          rule('segment', 'key', 'segmentMatch', [SEGMENT_KEY]),
        ]
      : [],
    fallthrough: {
      rollout: {
        bucketBy: 'key',
        variations: [
          { variation: ON, weight: onWeight },
          { variation: OFF, weight: 100_000 - onWeight },
        ],
      },
    },
    trackEvents: false,
    trackEventsFallthrough: false,
    clientSide: false,
  };
}

export const launchdarkly: Engine = {
  id: 'launchdarkly',
  name: `LaunchDarkly node-server-sdk ${packageVersion('@launchdarkly/node-server-sdk')}`,
  role: 'peer',
  async setup(scenario, workload) {
    const td = new TestData();
    await td.usePreconfiguredFlag(launchdarklyFlag(scenario));
    if (scenario.hasRules) {
      await td.usePreconfiguredSegment({
        key: SEGMENT_KEY,
        version: 1,
        included: [...workload.segmentKeys],
        excluded: [],
        rules: [],
        salt: SEGMENT_KEY,
      });
    }
    const client = init('sdk-key-unused', {
      updateProcessor: td.getFactory(),
      sendEvents: false,
      diagnosticOptOut: true,
      logger: basicLogger({ level: 'none' }),
    });
    await client.waitForInitialization({ timeout: 5 });
    const contexts: LDContext[] = workload.contexts.map((c) => ({
      kind: 'user',
      key: c.key,
      country: c.country,
      plan: c.plan,
      email: c.email,
      age: c.age,
    }));
    const flagKey = scenario.flagKey;
    return {
      evaluation: {
        mode: 'async',
        // `variation` resolves to LDFlagValue (`any` in the SDK's types); the flag only serves booleans.
        evaluate: async (index) => (await client.variation(flagKey, contexts[index]!, false)) === true,
      },
      close: () => client.close(),
    };
  },
};
