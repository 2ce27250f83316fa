import { type Rule, TOTAL_WEIGHT } from '@unveil/core';
import type { StoredFlagConfig } from '../flag-configs/flag-config.js';

/** One stage of one release, as it lands in one component's configuration. */
export interface StageRule {
  ruleId: string;
  description: string;
  variant: string;
  cohortSalt: string;
  percent: number;
  /** Segment keys (any of them); empty: everyone. */
  audiences: readonly string[];
}

/** Stage percent (0–100, three decimals) in rollout weight units. */
export function percentToWeight(percent: number): number {
  return Math.round((percent * TOTAL_WEIGHT) / 100);
}

/**
 * The release's rule: its audiences, then a rollout of the released variant salted with the cohort salt.
 * Every component buckets a context with the same salt, so a context is in all components' cohort or in
 * none, and raising the percent only adds buckets (nobody leaves the cohort).
 * Contexts outside the rollout's weight fall through to whatever the flag served before the release.
 */
function stageRule(stage: StageRule): Rule {
  return {
    id: stage.ruleId,
    description: stage.description,
    conditions:
      stage.audiences.length === 0
        ? []
        : [{ attribute: 'key', operator: 'inSegment', values: [...stage.audiences] }],
    serve: {
      rollout: {
        salt: stage.cohortSalt,
        variants: [{ variant: stage.variant, weight: percentToWeight(stage.percent) }],
      },
    },
  };
}

/**
 * A component's configuration with the stage realized. The release's rule goes first among the rules
 * (after individual targets): a release decides for its cohort, the flag's own rules for everyone else.
 *
 * A flag that was off before the release served its off variant to everybody; switching it on for the
 * cohort must not wake its dormant targets and rules for the rest, so while the release runs such a flag
 * serves its off variant as fallthrough and carries only the release's rule.
 */
export function realizeStage(
  current: StoredFlagConfig,
  baseline: StoredFlagConfig,
  stage: StageRule,
): StoredFlagConfig {
  const rule = stageRule(stage);
  if (!baseline.enabled) {
    return {
      ...current,
      enabled: true,
      targets: [],
      rules: [rule],
      fallthrough: { variant: current.offVariant },
    };
  }
  return { ...current, rules: [rule, ...withoutRule(current.rules, stage.ruleId)] };
}

/**
 * The end of a campaign: the release's rule goes, and a flag the release had switched on goes back to its
 * pre-release configuration; edits made to an already-live flag during the release stay.
 */
export function withdrawRelease(
  current: StoredFlagConfig,
  baseline: StoredFlagConfig,
  ruleId: string,
): StoredFlagConfig {
  if (!baseline.enabled) return baseline;
  return { ...current, rules: withoutRule(current.rules, ruleId) };
}

function withoutRule(rules: readonly Rule[], ruleId: string): Rule[] {
  return rules.filter((rule) => rule.id !== ruleId);
}
