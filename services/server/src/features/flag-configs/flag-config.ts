import { type Flag, type Serve, TOTAL_WEIGHT, type Variant } from '@unveil/core';
import { type FieldError, fieldError } from '../../errors.js';

/** A flag's configuration in one environment, as stored: the environment-specific half of core's `Flag`. */
export type StoredFlagConfig = Required<
  Pick<Flag, 'enabled' | 'offVariant' | 'targets' | 'rules' | 'fallthrough' | 'prerequisites'>
>;

/**
 * The configuration a flag starts with in every environment: off. Boolean flags serve `false` when off
 * and `true` when switched on; other flags serve their first variant either way until configured.
 */
export function initialFlagConfig(variants: readonly Variant[]): StoredFlagConfig {
  const first = variants[0]!.key;
  const offVariant = variants.find((variant) => variant.value === false)?.key ?? first;
  const onVariant = variants.find((variant) => variant.value === true)?.key ?? first;
  return {
    enabled: false,
    offVariant,
    targets: [],
    rules: [],
    fallthrough: { variant: onVariant },
    prerequisites: [],
  };
}

/** Every variant the configuration can serve, each once. */
export function variantsUsedBy(config: StoredFlagConfig): string[] {
  const serves = [config.fallthrough, ...config.rules.map((rule) => rule.serve)];
  return [
    ...new Set([
      config.offVariant,
      ...config.targets.map((target) => target.variant),
      ...serves.flatMap((serve) => [
        ...(serve.variant === undefined ? [] : [serve.variant]),
        ...(serve.rollout?.variants.map((weighted) => weighted.variant) ?? []),
      ]),
    ]),
  ];
}

/** What a configuration may refer to in its environment. */
export interface ConfigReferences {
  flagKey: string;
  variantKeys: ReadonlySet<string>;
  segmentKeys: ReadonlySet<string>;
  /** Every live (not archived) flag of the environment with its variants and current prerequisites. */
  flags: ReadonlyMap<string, { variantKeys: ReadonlySet<string>; prerequisites: readonly string[] }>;
}

type Path = (string | number)[];

/**
 * The checks zod cannot make: references to variants, segments and flags, prerequisite cycles, and
 * rollout weights. Returns every problem with its path in the configuration (empty when consistent).
 */
export function findConfigProblems(config: StoredFlagConfig, refs: ConfigReferences): FieldError[] {
  const problems: FieldError[] = [];
  const report = (path: Path, message: string) => problems.push(fieldError(path, message));
  const checkVariant = (path: Path, variant: string) => {
    if (!refs.variantKeys.has(variant)) report(path, `unknown variant "${variant}"`);
  };

  checkVariant(['offVariant'], config.offVariant);

  const targeted = new Map<string, number>();
  config.targets.forEach((target, t) => {
    checkVariant(['targets', t, 'variant'], target.variant);
    target.keys.forEach((key, k) => {
      const earlier = targeted.get(key);
      if (earlier !== undefined)
        report(['targets', t, 'keys', k], `"${key}" is already targeted by targets/${earlier}`);
      else targeted.set(key, t);
    });
  });

  const ruleIds = new Set<string>();
  config.rules.forEach((rule, r) => {
    if (ruleIds.has(rule.id)) report(['rules', r, 'id'], `duplicate rule id "${rule.id}"`);
    ruleIds.add(rule.id);
    rule.conditions.forEach((condition, c) => {
      if (condition.operator !== 'inSegment') return;
      condition.values.forEach((value, v) => {
        if (typeof value !== 'string' || !refs.segmentKeys.has(value)) {
          report(['rules', r, 'conditions', c, 'values', v], `unknown segment "${String(value)}"`);
        }
      });
    });
    checkServe(['rules', r, 'serve'], rule.serve, 'atMost', checkVariant, report);
  });

  checkServe(['fallthrough'], config.fallthrough, 'exactly', checkVariant, report);
  checkPrerequisites(config, refs, report);
  return problems;
}

function checkServe(
  path: Path,
  serve: Serve,
  total: 'exactly' | 'atMost',
  checkVariant: (path: Path, variant: string) => void,
  report: (path: Path, message: string) => void,
): void {
  if (serve.variant !== undefined) checkVariant([...path, 'variant'], serve.variant);
  if (serve.rollout === undefined) return;
  const seen = new Set<string>();
  serve.rollout.variants.forEach((weighted, w) => {
    checkVariant([...path, 'rollout', 'variants', w, 'variant'], weighted.variant);
    if (seen.has(weighted.variant)) {
      report([...path, 'rollout', 'variants', w, 'variant'], `variant "${weighted.variant}" appears twice`);
    }
    seen.add(weighted.variant);
  });
  const sum = serve.rollout.variants.reduce((acc, weighted) => acc + weighted.weight, 0);
  // A rule's rollout may leave a remainder (those contexts fall through); the fallthrough must not.
  if (total === 'exactly' ? sum !== TOTAL_WEIGHT : sum > TOTAL_WEIGHT) {
    const expected = total === 'exactly' ? `exactly ${TOTAL_WEIGHT}` : `at most ${TOTAL_WEIGHT}`;
    report([...path, 'rollout', 'variants'], `weights sum to ${sum}, must be ${expected} (100 %)`);
  }
}

function checkPrerequisites(
  config: StoredFlagConfig,
  refs: ConfigReferences,
  report: (path: Path, message: string) => void,
): void {
  for (const [p, prerequisite] of config.prerequisites.entries()) {
    const path = ['prerequisites', p];
    const required = refs.flags.get(prerequisite.flag);
    if (prerequisite.flag === refs.flagKey) {
      report([...path, 'flag'], 'a flag cannot require itself');
    } else if (required === undefined) {
      report([...path, 'flag'], `unknown flag "${prerequisite.flag}"`);
    } else {
      prerequisite.variants.forEach((variant, v) => {
        if (!required.variantKeys.has(variant)) {
          report([...path, 'variants', v], `flag "${prerequisite.flag}" has no variant "${variant}"`);
        }
      });
      const cycle = findPathBack(prerequisite.flag, refs);
      if (cycle !== undefined) {
        report([...path, 'flag'], `prerequisite cycle: ${[refs.flagKey, ...cycle].join(' → ')}`);
      }
    }
  }
}

/** Depth-first search through current prerequisites from `start` back to the flag being configured. */
function findPathBack(start: string, refs: ConfigReferences): string[] | undefined {
  const visited = new Set<string>();
  const visit = (flagKey: string): string[] | undefined => {
    if (flagKey === refs.flagKey) return [flagKey];
    if (visited.has(flagKey)) return undefined;
    visited.add(flagKey);
    for (const next of refs.flags.get(flagKey)?.prerequisites ?? []) {
      const rest = visit(next);
      if (rest !== undefined) return [flagKey, ...rest];
    }
    return undefined;
  };
  return visit(start);
}
