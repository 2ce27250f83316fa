import { compileAttributeReader } from './attributes.js';
import { CompileError, withPathPrefix } from './compile-error.js';
import type { Condition, EvaluationContext } from './model.js';
import type { OperatorTable, ValueTest } from './operators/table.js';
import { plainTargetingKey, type TargetingKeyReader } from './targeting-key.js';

/** A compiled test on a context. Built once per snapshot; called on every evaluation. */
export type Predicate = (context: EvaluationContext) => boolean;

/** Resolves a segment key to its compiled membership test; throws CompileError when it cannot. */
export type SegmentResolver = (segmentKey: string) => Predicate;

/** What conditions are compiled against. */
export interface ConditionScope {
  readonly segments: SegmentResolver;
  readonly operators: OperatorTable;
  readonly targetingKey: TargetingKeyReader;
  /** Told of each operator the table lacks (so that a caller may load it and compile again). */
  readonly missing?: (operator: string) => void;
}

const ALWAYS: Predicate = () => true;

/** All conditions must hold; an empty list always holds. */
export function compileConditions(conditions: readonly Condition[], scope: ConditionScope): Predicate {
  const predicates = conditions.map((condition, index) => {
    try {
      return compileCondition(condition, scope);
    } catch (error) {
      throw withPathPrefix(error, 'conditions', index);
    }
  });
  if (predicates.length === 0) return ALWAYS;
  if (predicates.length === 1) return predicates[0]!;
  return (context) => {
    for (let i = 0; i < predicates.length; i++) if (!predicates[i]!(context)) return false;
    return true;
  };
}

/**
 * Semantics (README "Conditions"): an absent or null attribute fails every operator, negated or not,
 * except `exists`; an array attribute holds if any element passes, and `negate` applies to that
 * "any"; values are never coerced between types; string comparison is by UTF-16 code units, case
 * sensitive, without Unicode normalization.
 */
export function compileCondition(condition: Condition, scope: ConditionScope): Predicate {
  const { operator, values } = condition;
  const negate = condition.negate === true;
  if (operator === 'inSegment') {
    const members = values.map((key, index) => {
      if (typeof key !== 'string') throw new CompileError('segment keys must be strings', ['values', index]);
      return scope.segments(key);
    });
    if (members.length === 1 && !negate) return members[0]!;
    return (context) => {
      for (let i = 0; i < members.length; i++) if (members[i]!(context)) return !negate;
      return negate;
    };
  }
  // In a client-safe snapshot, `equals` / `in` conditions on `key` list hashed keys (like targets and
  // segments), so the context key is hashed the same way before the comparison.
  const read =
    scope.targetingKey !== plainTargetingKey &&
    condition.attribute === 'key' &&
    (operator === 'equals' || operator === 'in')
      ? scope.targetingKey
      : compileAttributeReader(condition.attribute);
  if (operator === 'exists') {
    return (context) => {
      const value = read(context);
      return (value !== undefined && value !== null) !== negate;
    };
  }
  const test = valueTest(operator, values, scope);
  return (context) => {
    const value = read(context);
    if (value === undefined || value === null) return false;
    return (Array.isArray(value) ? anyElementPasses(value, test) : test(value)) !== negate;
  };
}

function valueTest(operator: string, values: Condition['values'], scope: ConditionScope): ValueTest {
  const compile = Object.hasOwn(scope.operators, operator)
    ? scope.operators[operator as Condition['operator']]
    : undefined;
  if (compile === undefined) {
    scope.missing?.(operator);
    throw new CompileError(`unknown operator ${JSON.stringify(operator)}`, ['operator']);
  }
  return compile(values);
}

function anyElementPasses(values: readonly unknown[], test: ValueTest): boolean {
  for (let i = 0; i < values.length; i++) {
    const element = values[i];
    if (element !== undefined && element !== null && !Array.isArray(element) && test(element)) return true;
  }
  return false;
}
