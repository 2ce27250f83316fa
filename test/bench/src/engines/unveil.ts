/**
 * Unveil's own evaluator, imported from the TypeScript source of @unveil/core (run through tsx), so the
 * benchmark needs no build step and always measures the working tree.
 */
import {
  compileSnapshot,
  type EvaluationContext,
  type Flag,
  type Rule,
  type Snapshot,
} from '../../../../packages/core/src/index.js';
import {
  RULE_AGE_GT,
  RULE_COUNTRIES,
  RULE_EMAIL_SUFFIX,
  RULE_PLAN,
  type Scenario,
  SEGMENT_KEY,
  type Workload,
} from '../scenarios.js';
import { type Engine, syncEngine } from './types.js';

export function unveilSnapshot(scenario: Scenario, workload: Workload): Snapshot {
  const onWeight = scenario.rolloutPercent * 1000;
  const serveTrue = { variant: 'on' };
  const rules: Rule[] = scenario.hasRules
    ? [
        {
          id: 'country',
          conditions: [{ attribute: 'country', operator: 'in', values: [...RULE_COUNTRIES] }],
          serve: serveTrue,
        },
        {
          id: 'plan',
          conditions: [{ attribute: 'plan', operator: 'equals', values: [RULE_PLAN] }],
          serve: serveTrue,
        },
        {
          id: 'email',
          conditions: [{ attribute: 'email', operator: 'endsWith', values: [RULE_EMAIL_SUFFIX] }],
          serve: serveTrue,
        },
        {
          id: 'age',
          conditions: [{ attribute: 'age', operator: 'gt', values: [RULE_AGE_GT] }],
          serve: serveTrue,
        },
        {
          id: 'segment',
          conditions: [{ attribute: 'key', operator: 'inSegment', values: [SEGMENT_KEY] }],
          serve: serveTrue,
        },
      ]
    : [];
  const flag: Flag = {
    key: scenario.flagKey,
    type: 'boolean',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    enabled: true,
    offVariant: 'off',
    rules,
    fallthrough: {
      rollout: {
        variants: [
          { variant: 'on', weight: onWeight },
          { variant: 'off', weight: 100_000 - onWeight },
        ],
      },
    },
  };
  return {
    version: 1,
    flags: [flag],
    segments: scenario.hasRules ? [{ key: SEGMENT_KEY, included: [...workload.segmentKeys] }] : [],
  };
}

const contextsByWorkload = new WeakMap<Workload, readonly EvaluationContext[]>();

/**
 * The workload's contexts as Unveil contexts, built once so the measured call is the evaluation alone —
 * and once per workload: engines measured in the same process (the core and the SDK) read the very same
 * objects.
 */
export function unveilContexts(workload: Workload): readonly EvaluationContext[] {
  let contexts = contextsByWorkload.get(workload);
  if (contexts === undefined) {
    contexts = workload.contexts.map((c) => ({
      key: c.key,
      country: c.country,
      plan: c.plan,
      email: c.email,
      age: c.age,
    }));
    contextsByWorkload.set(workload, contexts);
  }
  return contexts;
}

export const unveil: Engine = {
  id: 'unveil',
  name: 'Unveil (ours, getBoolean)',
  role: 'ours',
  async setup(scenario, workload) {
    const evaluator = compileSnapshot(unveilSnapshot(scenario, workload));
    const contexts = unveilContexts(workload);
    const flagKey = scenario.flagKey;
    return syncEngine((index) => evaluator.getBoolean(flagKey, false, contexts[index]!));
  },
};
