/**
 * flagd's in-process evaluation core (`@openfeature/flagd-core`, what the flagd in-process providers
 * run): the flag definition is flagd's JSON schema, targeting is JsonLogic with flagd's custom operators
 * (`fractional`, `ends_with`), and `$evaluators` holds the shared segment.
 */
import type { EvaluationContext, Logger } from '@openfeature/core';
import { FlagdCore } from '@openfeature/flagd-core';
import {
  RULE_AGE_GT,
  RULE_COUNTRIES,
  RULE_EMAIL_SUFFIX,
  RULE_PLAN,
  type Scenario,
  SEGMENT_KEY,
  type Workload,
} from '../scenarios.js';
import { packageVersion } from './package-version.js';
import { type Engine, syncEngine } from './types.js';

type JsonLogic = { [operator: string]: unknown };

const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };

export function flagdConfiguration(scenario: Scenario, workload: Workload): object {
  // `fractional` buckets on `$flagd.flagKey + targetingKey` and returns the chosen variant's name.
  const rollout: JsonLogic = {
    fractional: [
      ['on', scenario.rolloutPercent],
      ['off', 100 - scenario.rolloutPercent],
    ],
  };
  // An `if` chain: [cond1, 'on', cond2, 'on', …, else]; the first true condition wins.
  const targeting: JsonLogic = scenario.hasRules
    ? {
        if: [
          { in: [{ var: 'country' }, [...RULE_COUNTRIES]] },
          'on',
          { '===': [{ var: 'plan' }, RULE_PLAN] },
          'on',
          { ends_with: [{ var: 'email' }, RULE_EMAIL_SUFFIX] },
          'on',
          { '>': [{ var: 'age' }, RULE_AGE_GT] },
          'on',
          { $ref: SEGMENT_KEY },
          'on',
          rollout,
        ],
      }
    : rollout;
  return {
    flags: {
      [scenario.flagKey]: {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting,
      },
    },
    ...(scenario.hasRules
      ? { $evaluators: { [SEGMENT_KEY]: { in: [{ var: 'targetingKey' }, [...workload.segmentKeys]] } } }
      : {}),
  };
}

export const flagd: Engine = {
  id: 'flagd',
  name: `flagd-core ${packageVersion('@openfeature/flagd-core')}`,
  role: 'peer',
  async setup(scenario, workload) {
    const core = new FlagdCore(undefined, silentLogger);
    core.setConfigurations(JSON.stringify(flagdConfiguration(scenario, workload)));
    const contexts: EvaluationContext[] = workload.contexts.map((c) => ({
      targetingKey: c.key,
      country: c.country,
      plan: c.plan,
      email: c.email,
      age: c.age,
    }));
    const flagKey = scenario.flagKey;
    return syncEngine(
      (index) => core.resolveBooleanEvaluation(flagKey, false, contexts[index], silentLogger).value,
    );
  },
};
