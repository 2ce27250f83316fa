import type { StageRule } from './realization.js';
import { type ReleaseComponent, type ReleaseDefinition, releaseRuleId } from './release.js';

/** What stage `index` of a release writes into one component's configuration. */
export function stageRuleOf(
  release: { key: string; definition: ReleaseDefinition },
  index: number,
  component: ReleaseComponent,
): StageRule {
  const { plan, audiences, cohortSalt } = release.definition;
  const stage = plan[index]!;
  return {
    ruleId: releaseRuleId(release.key),
    description: `Release ${release.key}: stage ${index + 1} of ${plan.length} (${stage.percent} %)`,
    variant: component.variant,
    cohortSalt,
    percent: stage.percent,
    audiences: stage.audiences ?? audiences,
  };
}
