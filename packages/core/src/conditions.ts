import { compileAttributeReader } from './attributes.js';
import { CompileError, withPathPrefix } from './compile-error.js';
import type { Condition, ConditionValue, EvaluationContext } from './model.js';
import { compileRegex, MAX_INPUT_LENGTH } from './regex/index.js';
import { compareSemver, parseSemver } from './semver.js';
import { plainTargetingKey, type TargetingKeyReader } from './targeting-key.js';
import { toEpochMillis } from './timestamps.js';

/** A compiled test on a context. Built once per snapshot; called on every evaluation. */
export type Predicate = (context: EvaluationContext) => boolean;

/** Resolves a segment key to its compiled membership test; throws CompileError when it cannot. */
export type SegmentResolver = (segmentKey: string) => Predicate;

/** Tests one attribute value that is present (neither undefined nor null) and not an array. */
type ValueTest = (value: unknown) => boolean;

const ALWAYS: Predicate = () => true;

/** All conditions must hold; an empty list always holds. */
export function compileConditions(
  conditions: readonly Condition[],
  segments: SegmentResolver,
  targetingKey: TargetingKeyReader = plainTargetingKey,
): Predicate {
  const predicates = conditions.map((condition, index) => {
    try {
      return compileCondition(condition, segments, targetingKey);
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
export function compileCondition(
  condition: Condition,
  segments: SegmentResolver,
  targetingKey: TargetingKeyReader = plainTargetingKey,
): Predicate {
  const negate = condition.negate === true;
  if (condition.operator === 'inSegment') {
    const members = condition.values.map((key, index) => {
      if (typeof key !== 'string') throw new CompileError('segment keys must be strings', ['values', index]);
      return segments(key);
    });
    if (members.length === 1 && !negate) return members[0]!;
    return (context) => {
      for (let i = 0; i < members.length; i++) if (members[i]!(context)) return !negate;
      return negate;
    };
  }
  const read = comparesHashedKeys(condition, targetingKey)
    ? targetingKey
    : compileAttributeReader(condition.attribute);
  if (condition.operator === 'exists') {
    return (context) => {
      const value = read(context);
      return (value !== undefined && value !== null) !== negate;
    };
  }
  const test = compileValueTest(condition.operator, condition.values);
  return (context) => {
    const value = read(context);
    if (value === undefined || value === null) return false;
    return (Array.isArray(value) ? anyElementPasses(value, test) : test(value)) !== negate;
  };
}

function anyElementPasses(values: readonly unknown[], test: ValueTest): boolean {
  for (let i = 0; i < values.length; i++) {
    const element = values[i];
    if (element !== undefined && element !== null && !Array.isArray(element) && test(element)) return true;
  }
  return false;
}

/**
 * In a client-safe snapshot, `equals` / `in` conditions on `key` list hashed keys (like targets and
 * segments), so the context key is hashed the same way before the comparison.
 */
function comparesHashedKeys(condition: Condition, targetingKey: TargetingKeyReader): boolean {
  return (
    targetingKey !== plainTargetingKey &&
    condition.attribute === 'key' &&
    (condition.operator === 'equals' || condition.operator === 'in')
  );
}

function compileValueTest(operator: Condition['operator'], values: readonly ConditionValue[]): ValueTest {
  switch (operator) {
    case 'equals':
    case 'in': {
      if (values.length === 1) {
        const only = values[0];
        return (value) => value === only;
      }
      const set = new Set<unknown>(values);
      return (value) => set.has(value);
    }
    case 'contains':
      return stringTest(values, (value, operand) => value.includes(operand));
    case 'startsWith':
      return stringTest(values, (value, operand) => value.startsWith(operand));
    case 'endsWith':
      return stringTest(values, (value, operand) => value.endsWith(operand));
    case 'matches':
      return regexTest(values);
    case 'lt':
      return numberTest(values, (value, operand) => value < operand);
    case 'lte':
      return numberTest(values, (value, operand) => value <= operand);
    case 'gt':
      return numberTest(values, (value, operand) => value > operand);
    case 'gte':
      return numberTest(values, (value, operand) => value >= operand);
    case 'semverEq':
      return semverTest(values, (order) => order === 0);
    case 'semverLt':
      return semverTest(values, (order) => order < 0);
    case 'semverGt':
      return semverTest(values, (order) => order > 0);
    case 'before':
      return timestampTest(values, (value, operand) => value < operand);
    case 'after':
      return timestampTest(values, (value, operand) => value > operand);
    default:
      throw new CompileError(`unknown operator ${JSON.stringify(operator)}`, ['operator']);
  }
}

function stringTest(values: readonly ConditionValue[], compare: (value: string, operand: string) => boolean) {
  const operands = operandsOfType(values, 'string', (value) =>
    typeof value === 'string' ? value : undefined,
  );
  return (value: unknown): boolean => {
    if (typeof value !== 'string') return false;
    for (let i = 0; i < operands.length; i++) if (compare(value, operands[i]!)) return true;
    return false;
  };
}

function numberTest(values: readonly ConditionValue[], compare: (value: number, operand: number) => boolean) {
  const operands = operandsOfType(values, 'a finite number', (value) =>
    typeof value === 'number' && Number.isFinite(value) ? value : undefined,
  );
  if (operands.length === 1) {
    const operand = operands[0]!;
    // NaN compares false with everything, so it needs no test of its own here.
    return (value: unknown): boolean => typeof value === 'number' && compare(value, operand);
  }
  return (value: unknown): boolean => {
    if (typeof value !== 'number' || Number.isNaN(value)) return false;
    for (let i = 0; i < operands.length; i++) if (compare(value, operands[i]!)) return true;
    return false;
  };
}

function semverTest(values: readonly ConditionValue[], accept: (order: number) => boolean) {
  const operands = operandsOfType(values, 'a semantic version (x.y.z)', (value) =>
    typeof value === 'string' ? parseSemver(value) : undefined,
  );
  return (value: unknown): boolean => {
    const version = typeof value === 'string' ? parseSemver(value) : undefined;
    if (version === undefined) return false;
    for (let i = 0; i < operands.length; i++) if (accept(compareSemver(version, operands[i]!))) return true;
    return false;
  };
}

function timestampTest(
  values: readonly ConditionValue[],
  compare: (value: number, operand: number) => boolean,
) {
  const operands = operandsOfType(values, 'an RFC 3339 timestamp or epoch milliseconds', toEpochMillis);
  return (value: unknown): boolean => {
    const millis = toEpochMillis(value);
    if (millis === undefined) return false;
    for (let i = 0; i < operands.length; i++) if (compare(millis, operands[i]!)) return true;
    return false;
  };
}

function regexTest(values: readonly ConditionValue[]) {
  const regexes = values.map((pattern, index) => {
    const compiled = typeof pattern === 'string' ? compileRegex(pattern) : undefined;
    if (compiled === undefined)
      throw new CompileError('a regular expression must be a string', ['values', index]);
    if (!compiled.ok)
      throw new CompileError(`invalid regular expression: ${compiled.error}`, ['values', index]);
    return compiled.regex;
  });
  return (value: unknown): boolean => {
    if (typeof value !== 'string' || value.length > MAX_INPUT_LENGTH) return false;
    for (let i = 0; i < regexes.length; i++) if (regexes[i]!.test(value)) return true;
    return false;
  };
}

/** Converts every operand at compile time so evaluation never parses a condition value. */
function operandsOfType<T>(
  values: readonly ConditionValue[],
  expected: string,
  convert: (value: ConditionValue) => T | undefined,
): T[] {
  return values.map((value, index) => {
    const converted = convert(value);
    if (converted === undefined) throw new CompileError(`value must be ${expected}`, ['values', index]);
    return converted;
  });
}
