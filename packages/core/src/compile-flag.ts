import { CompileError, withPathPrefix } from './compile-error.js';
import { type ConditionScope, compileConditions } from './conditions.js';
import type { EvaluationContext, Flag, FlagType, JsonValue, Serve, Variant } from './model.js';
import { type EvaluationResult, errorResult, makeResult, type Reason } from './result.js';
import { compileRollout } from './rollout.js';

export type FlagResult = EvaluationResult<JsonValue | undefined>;

/** A flag ready to evaluate: every result it can return was built at compile time. */
export interface CompiledFlag {
  readonly key: string;
  readonly type: FlagType;
  evaluate(context: EvaluationContext): FlagResult;
}

/** Looks up the compiled prerequisite at evaluation time, so flags can be compiled in any order. */
export type PrerequisiteResolver = (flagKey: string) => CompiledFlag;

/** What a rule or the fallthrough serves: a result, or undefined when a rollout leaves the context out. */
type CompiledServe = (context: EvaluationContext) => FlagResult | undefined;

interface CompiledRule {
  readonly matches: (context: EvaluationContext) => boolean;
  readonly serve: CompiledServe;
}

interface CompiledPrerequisite {
  readonly flag: string;
  readonly variants: ReadonlySet<string>;
}

/** What a flag is compiled against: the rest of its snapshot. */
export interface CompileScope extends ConditionScope {
  readonly prerequisite: PrerequisiteResolver;
  /** Tags every result serving `variant` of flag `flagKey` (under RESULT_TAG); called once per pair. */
  readonly tag?: ResultTagger | undefined;
}

export type ResultTagger = (flagKey: string, variant: string) => unknown;

/**
 * Compiles one flag for evaluation; never throws. A flag that cannot be compiled — a CompileError, or
 * `malformed`: a problem found beforehand (its shape, its prerequisites) — answers ERROR / MALFORMED_FLAG, and the
 * rest of the snapshot keeps working. Its kill switch still works: a disabled flag serves its off
 * variant whenever that variant exists and fits the flag type, because turning a flag off must never
 * depend on the rest of its configuration being sound.
 */
export function compileFlag(flag: Flag, scope: CompileScope, malformed = false): CompiledFlag {
  if (flag.enabled === false) {
    const off = killSwitchResult(flag, scope.tag);
    return off ? constant(flag, off) : malformedFlag(flag);
  }
  if (malformed) return malformedFlag(flag);
  try {
    return compileEnabledFlag(flag, scope, variantResults(flag, scope.tag));
  } catch {
    return malformedFlag(flag);
  }
}

/** The OFF result, read leniently: only the off variant itself must be sound. */
function killSwitchResult(flag: Flag, tag: ResultTagger | undefined): FlagResult | undefined {
  if (!Array.isArray(flag.variants)) return undefined;
  const off = (flag.variants as unknown[]).find(
    (variant): variant is Variant =>
      typeof variant === 'object' && variant !== null && (variant as Variant).key === flag.offVariant,
  );
  if (off === undefined || !valueFitsType(off.value, flag.type)) return undefined;
  return makeResult(off.value, off.key, 'OFF', undefined, undefined, tag?.(flag.key, off.key));
}

/** Throws the CompileError of the first problem in the flag's configuration, whether it is on or off. */
export function checkFlag(flag: Flag, scope: ConditionScope): void {
  const variantResult = variantResults(flag);
  variantResult(flag.offVariant, 'OFF', ['offVariant']);
  const prerequisite = () => {
    throw new Error('checkFlag never evaluates');
  };
  compileEnabledFlag(flag, { ...scope, prerequisite }, variantResult);
}

function compileEnabledFlag(
  flag: Flag,
  scope: CompileScope,
  variantResult: VariantResultFactory,
): CompiledFlag {
  const { prerequisite: resolvePrerequisite, targetingKey } = scope;
  const prerequisiteFailed = variantResult(flag.offVariant, 'PREREQUISITE_FAILED', ['offVariant']);
  const prerequisites: CompiledPrerequisite[] = (flag.prerequisites ?? []).map((prerequisite) => ({
    flag: prerequisite.flag,
    variants: new Set(prerequisite.variants),
  }));
  const targets = new Map<string, FlagResult>();
  (flag.targets ?? []).forEach((target, index) => {
    const result = variantResult(target.variant, 'TARGET_MATCH', ['targets', index, 'variant']);
    for (const key of target.keys) if (!targets.has(key)) targets.set(key, result);
  });
  const rules: CompiledRule[] = (flag.rules ?? []).map((rule, index) => {
    try {
      return {
        matches: compileConditions(rule.conditions, scope),
        serve: compileServe(flag, rule.serve, variantResult, rule.id),
      };
    } catch (error) {
      throw withPathPrefix(error, 'rules', index);
    }
  });
  const fallthrough = compileServe(flag, flag.fallthrough, variantResult);
  // A fallthrough rollout that cannot bucket the context serves the off variant: never exposed by chance.
  const unbucketable = variantResult(flag.offVariant, 'DEFAULT', ['offVariant']);

  return {
    key: flag.key,
    type: flag.type,
    evaluate(context) {
      for (let i = 0; i < prerequisites.length; i++) {
        const prerequisite = prerequisites[i]!;
        const served = resolvePrerequisite(prerequisite.flag).evaluate(context);
        if (served.reason === 'ERROR') return served; // a malformed prerequisite makes this flag malformed too
        if (!servesNormally(served.reason) || !prerequisite.variants.has(served.variant!)) {
          return prerequisiteFailed;
        }
      }
      if (targets.size > 0) {
        const key = targetingKey(context);
        const targeted = key === undefined ? undefined : targets.get(key);
        if (targeted !== undefined) return targeted;
      }
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        if (!rule.matches(context)) continue;
        const served = rule.serve(context);
        if (served !== undefined) return served;
      }
      return fallthrough(context) ?? unbucketable;
    },
  };
}

/** A prerequisite holds only if its flag is on and its own prerequisites hold. */
function servesNormally(reason: Reason): boolean {
  return reason !== 'OFF' && reason !== 'PREREQUISITE_FAILED';
}

function compileServe(
  flag: Flag,
  serve: Serve,
  variantResult: VariantResultFactory,
  ruleId?: string,
): CompiledServe {
  const inRule = ruleId !== undefined;
  if ((serve.variant === undefined) === (serve.rollout === undefined)) {
    throw new CompileError(
      'serve exactly one of `variant` or `rollout`',
      inRule ? ['serve'] : ['fallthrough'],
    );
  }
  if (serve.variant !== undefined) {
    const result = inRule
      ? variantResult(serve.variant, 'RULE_MATCH', ['serve', 'variant'], ruleId)
      : variantResult(serve.variant, 'FALLTHROUGH', ['fallthrough', 'variant']);
    return () => result;
  }
  const rollout = serve.rollout!;
  const at = inRule ? ['serve', 'rollout'] : ['fallthrough', 'rollout'];
  const results = rollout.variants.map((weighted, index) =>
    variantResult(weighted.variant, 'SPLIT', [...at, 'variants', index, 'variant'], ruleId),
  );
  let pick: (context: EvaluationContext) => number;
  try {
    pick = compileRollout(rollout, flag.key, !inRule);
  } catch (error) {
    throw withPathPrefix(error, ...at);
  }
  return (context) => {
    const index = pick(context);
    return index < 0 ? undefined : results[index];
  };
}

type VariantResultFactory = (
  variantKey: string,
  reason: Reason,
  path: (string | number)[],
  ruleId?: string,
) => FlagResult;

/** Results are frozen and shared: evaluation returns them without allocating. */
function variantResults(flag: Flag, tag?: ResultTagger): VariantResultFactory {
  const values = new Map<string, JsonValue>();
  const tags = new Map<string, unknown>();
  flag.variants.forEach((variant, index) => {
    if (values.has(variant.key)) throw new CompileError('duplicate variant key', ['variants', index, 'key']);
    if (!valueFitsType(variant.value, flag.type)) {
      throw new CompileError(`value does not fit the flag type ${flag.type}`, ['variants', index, 'value']);
    }
    values.set(variant.key, variant.value);
  });
  return (variantKey, reason, path, ruleId) => {
    if (!values.has(variantKey))
      throw new CompileError(`unknown variant ${JSON.stringify(variantKey)}`, path);
    if (tag !== undefined && !tags.has(variantKey)) tags.set(variantKey, tag(flag.key, variantKey));
    return makeResult(values.get(variantKey), variantKey, reason, ruleId, undefined, tags.get(variantKey));
  };
}

/** A json flag's variants may hold any JSON value; the other types hold exactly that JavaScript type. */
export function valueFitsType(value: unknown, type: FlagType): boolean {
  if (type === 'json') return value !== undefined;
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === type;
}

function constant(flag: Pick<Flag, 'key' | 'type'>, result: FlagResult): CompiledFlag {
  return { key: flag.key, type: flag.type, evaluate: () => result };
}

/** The evaluator of a flag that cannot be evaluated: ERROR / MALFORMED_FLAG for every context. */
function malformedFlag(flag: Pick<Flag, 'key' | 'type'>): CompiledFlag {
  return constant(flag, errorResult('MALFORMED_FLAG', undefined));
}
