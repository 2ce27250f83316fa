import type { Rule } from '@unveil/core';
import type { StoredFlagConfig } from './flag-config.js';

/** The rule an audience toggle owns in a flag's configuration. */
function audienceRuleId(segmentKey: string): string {
  return `audience.${segmentKey}`;
}

/** Rule ids have at most 64 characters. */
export const AUDIENCE_SEGMENT_KEY_MAX_LENGTH = 64 - 'audience.'.length;

/**
 * The product owner's switch: the segment's members get `variant`. An audience already on the flag keeps
 * its place and changes variant; a new one goes after the existing rules, so it never overrides targeting
 * someone wrote on purpose.
 */
export function withAudience(
  config: StoredFlagConfig,
  segmentKey: string,
  variant: string,
): StoredFlagConfig {
  const id = audienceRuleId(segmentKey);
  const rule: Rule = {
    id,
    description: `Audience ${segmentKey}`,
    conditions: [{ attribute: 'key', operator: 'inSegment', values: [segmentKey] }],
    serve: { variant },
  };
  const exists = config.rules.some((existing) => existing.id === id);
  const rules = exists
    ? config.rules.map((existing) => (existing.id === id ? rule : existing))
    : [...config.rules, rule];
  return { ...config, rules };
}

export function withoutAudience(config: StoredFlagConfig, segmentKey: string): StoredFlagConfig {
  const id = audienceRuleId(segmentKey);
  return { ...config, rules: config.rules.filter((rule) => rule.id !== id) };
}
