import { CompileError } from './compile-error.js';
import { checkFlag } from './compile-flag.js';
import type { SegmentResolver } from './conditions.js';
import { LIMITS } from './limits.js';
import type { Flag, Segment } from './model.js';
import { FLAG_KEY_PATTERN, OPERATORS } from './model.js';
import { ALL_OPERATORS } from './operators/all.js';
import { findPrerequisiteProblems } from './prerequisites.js';
import { compileSegment, type SegmentScope, segmentResolver } from './segments.js';
import { plainTargetingKey } from './targeting-key.js';

export { LIMITS };

export type IssuePath = (string | number)[];

/** One problem in a configuration, with the path of the offending field from the validated root. */
export interface ValidationIssue {
  path: IssuePath;
  message: string;
}

/** Validation compiles with every operator, against plain (unhashed) keys: what the server stores. */
const SCOPE: SegmentScope = { operators: ALL_OPERATORS, targetingKey: plainTargetingKey };

/**
 * Collects issues. `allowUnknownFields` is for reading configurations off the wire: an SDK must accept
 * fields a newer server added, while the server refuses fields it does not know.
 */
type Issues = ValidationIssue[] & { allowUnknownFields?: boolean };

export interface ShapeOptions {
  allowUnknownFields?: boolean;
}

function collector(options: ShapeOptions = {}): Issues {
  const issues: Issues = [];
  if (options.allowUnknownFields) issues.allowUnknownFields = true;
  return issues;
}
type Record_ = Record<string, unknown>;

/**
 * Checks one flag: shape (fields, types, unknown fields refused), then meaning — variants that exist, values
 * that fit the flag type, weights, operators' operands, regexes, known segments, and prerequisites that
 * exist without cycles among `others` (the rest of its environment). A flag with no issues compiles
 * to an evaluator that cannot throw.
 */
export function validateFlag(
  flag: unknown,
  environment: { flags?: readonly Flag[]; segments?: readonly Segment[] } = {},
): ValidationIssue[] {
  const issues = flagShapeIssues(flag);
  if (issues.length > 0) return issues;
  const valid = flag as Flag;
  checkFlagMeaning(valid, segmentResolver(environment.segments ?? [], SCOPE), [], issues);
  const all = new Map((environment.flags ?? []).map((other) => [other.key, other]));
  all.set(valid.key, valid);
  const problem = findPrerequisiteProblems(all).get(valid.key);
  if (problem) issues.push({ path: [...problem.path], message: problem.message });
  return issues;
}

/** Checks one segment's shape and that its rules compile. */
export function validateSegment(segment: unknown): ValidationIssue[] {
  const issues = segmentShapeIssues(segment);
  if (issues.length === 0) {
    catchCompileError(() => compileSegment(segment as Segment, SCOPE), [], issues);
  }
  return issues;
}

/** Checks a whole snapshot: every flag and segment, unique keys, and prerequisites across flags. */
export function validateSnapshot(snapshot: unknown): ValidationIssue[] {
  const issues: Issues = [];
  if (!isRecord(snapshot)) return [{ path: [], message: 'must be an object' }];
  allowOnly(
    snapshot,
    ['environment', 'version', 'bucketingVersion', 'keyHashSalt', 'flags', 'segments'],
    [],
    issues,
  );
  optional(snapshot, 'keyHashSalt', [], issues, checkString);
  optional(snapshot, 'environment', [], issues, checkString);
  required(snapshot, 'version', [], issues, checkNonNegativeInteger);
  optional(snapshot, 'bucketingVersion', [], issues, (value, path) => {
    if (value !== 1) issues.push({ path, message: 'only bucketing version 1 exists' });
  });
  const flags = arrayOf(snapshot, 'flags', [], issues, Number.POSITIVE_INFINITY, checkFlagShape);
  const segments = arrayOf(snapshot, 'segments', [], issues, Number.POSITIVE_INFINITY, checkSegmentShape);
  if (issues.length > 0) return issues;

  const validFlags = flags as Flag[];
  const validSegments = segments as Segment[];
  checkUniqueKeys(validFlags, ['flags'], issues);
  checkUniqueKeys(validSegments, ['segments'], issues);
  validSegments.forEach((segment, index) => {
    for (const issue of validateSegment(segment))
      issues.push({ ...issue, path: ['segments', index, ...issue.path] });
  });
  const resolver = segmentResolver(validSegments, SCOPE);
  validFlags.forEach((flag, index) => {
    checkFlagMeaning(flag, resolver, ['flags', index], issues);
  });
  const problems = findPrerequisiteProblems(new Map(validFlags.map((flag) => [flag.key, flag])));
  validFlags.forEach((flag, index) => {
    const problem = problems.get(flag.key);
    if (problem) issues.push({ path: ['flags', index, ...problem.path], message: problem.message });
  });
  return issues;
}

function checkFlagMeaning(flag: Flag, segments: SegmentResolver, path: IssuePath, issues: Issues): void {
  catchCompileError(() => checkFlag(flag, { ...SCOPE, segments }), path, issues);
}

function catchCompileError(compile: () => unknown, path: IssuePath, issues: Issues): void {
  try {
    compile();
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    issues.push({ path: [...path, ...error.path], message: error.message });
  }
}

function checkUniqueKeys(items: readonly { key: string }[], path: IssuePath, issues: Issues): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.key))
      issues.push({ path: [...path, index, 'key'], message: `duplicate key ${item.key}` });
    seen.add(item.key);
  });
}

/** Shape problems of one flag (no cross-references): what the compiler checks before trusting a flag. */
export function flagShapeIssues(flag: unknown, options?: ShapeOptions): ValidationIssue[] {
  const issues = collector(options);
  checkFlagShape(flag, [], issues);
  return [...issues];
}

/** Shape problems of one segment (see flagShapeIssues). */
export function segmentShapeIssues(segment: unknown, options?: ShapeOptions): ValidationIssue[] {
  const issues = collector(options);
  checkSegmentShape(segment, [], issues);
  return [...issues];
}

// ---- shapes --------------------------------------------------------------------------------------------

type Check = (value: unknown, path: IssuePath, issues: Issues) => void;

const FLAG_FIELDS = [
  'key',
  'type',
  'variants',
  'enabled',
  'offVariant',
  'targets',
  'rules',
  'fallthrough',
  'prerequisites',
  'clientSide',
  'version',
];

function checkFlagShape(flag: unknown, path: IssuePath, issues: Issues): void {
  if (!isRecord(flag)) return void issues.push({ path, message: 'must be an object' });
  allowOnly(flag, FLAG_FIELDS, path, issues);
  required(flag, 'key', path, issues, checkKey);
  required(flag, 'type', path, issues, (value, at) => {
    if (!['boolean', 'string', 'number', 'json'].includes(value as string)) {
      issues.push({ path: at, message: 'must be one of boolean, string, number, json' });
    }
  });
  const variants = arrayOf(flag, 'variants', path, issues, LIMITS.variants, checkVariant);
  if (variants?.length === 0)
    issues.push({ path: [...path, 'variants'], message: 'needs at least one variant' });
  required(flag, 'enabled', path, issues, checkBoolean);
  required(flag, 'offVariant', path, issues, checkString);
  arrayOf(flag, 'targets', path, issues, LIMITS.variants, checkTarget, true);
  arrayOf(flag, 'rules', path, issues, LIMITS.rules, checkRule, true);
  required(flag, 'fallthrough', path, issues, checkServe);
  arrayOf(flag, 'prerequisites', path, issues, LIMITS.variants, checkPrerequisite, true);
  optional(flag, 'clientSide', path, issues, checkBoolean);
  optional(flag, 'version', path, issues, checkNonNegativeInteger);
}

function checkVariant(variant: unknown, path: IssuePath, issues: Issues): void {
  if (!isRecord(variant)) return void issues.push({ path, message: 'must be an object' });
  allowOnly(variant, ['key', 'value', 'name'], path, issues);
  required(variant, 'key', path, issues, checkNonEmptyString);
  if (!('value' in variant) || variant.value === undefined) {
    issues.push({ path: [...path, 'value'], message: 'is required' });
  }
  optional(variant, 'name', path, issues, checkString);
}

function checkTarget(target: unknown, path: IssuePath, issues: Issues): void {
  if (!isRecord(target)) return void issues.push({ path, message: 'must be an object' });
  allowOnly(target, ['variant', 'keys'], path, issues);
  required(target, 'variant', path, issues, checkString);
  arrayOf(target, 'keys', path, issues, LIMITS.targetKeys, checkString);
}

function checkRule(rule: unknown, path: IssuePath, issues: Issues): void {
  if (!isRecord(rule)) return void issues.push({ path, message: 'must be an object' });
  allowOnly(rule, ['id', 'description', 'conditions', 'serve'], path, issues);
  required(rule, 'id', path, issues, checkNonEmptyString);
  optional(rule, 'description', path, issues, checkString);
  arrayOf(rule, 'conditions', path, issues, LIMITS.conditions, checkCondition);
  required(rule, 'serve', path, issues, checkServe);
}

function checkCondition(condition: unknown, path: IssuePath, issues: Issues): void {
  if (!isRecord(condition)) return void issues.push({ path, message: 'must be an object' });
  allowOnly(condition, ['attribute', 'operator', 'values', 'negate'], path, issues);
  const operator = condition.operator;
  if (!OPERATORS.includes(operator as never)) {
    issues.push({ path: [...path, 'operator'], message: `must be one of ${OPERATORS.join(', ')}` });
  }
  if (operator === 'inSegment') optional(condition, 'attribute', path, issues, checkString);
  else required(condition, 'attribute', path, issues, checkNonEmptyString);
  const values = arrayOf(condition, 'values', path, issues, LIMITS.conditionValues, checkScalar);
  if (values?.length === 0 && operator !== 'exists') {
    issues.push({ path: [...path, 'values'], message: 'needs at least one value' });
  }
  optional(condition, 'negate', path, issues, checkBoolean);
}

function checkServe(serve: unknown, path: IssuePath, issues: Issues): void {
  if (!isRecord(serve)) return void issues.push({ path, message: 'must be an object' });
  allowOnly(serve, ['variant', 'rollout'], path, issues);
  if ('variant' in serve === 'rollout' in serve) {
    issues.push({ path, message: 'must have exactly one of variant or rollout' });
    return;
  }
  optional(serve, 'variant', path, issues, checkString);
  optional(serve, 'rollout', path, issues, (rollout, at) => {
    if (!isRecord(rollout)) return void issues.push({ path: at, message: 'must be an object' });
    allowOnly(rollout, ['bucketBy', 'salt', 'variants'], at, issues);
    optional(rollout, 'bucketBy', at, issues, checkNonEmptyString);
    optional(rollout, 'salt', at, issues, checkString);
    const variants = arrayOf(rollout, 'variants', at, issues, LIMITS.variants, (weighted, where) => {
      if (!isRecord(weighted)) return void issues.push({ path: where, message: 'must be an object' });
      allowOnly(weighted, ['variant', 'weight'], where, issues);
      required(weighted, 'variant', where, issues, checkString);
      required(weighted, 'weight', where, issues, checkNonNegativeInteger);
    });
    if (variants?.length === 0)
      issues.push({ path: [...at, 'variants'], message: 'needs at least one variant' });
  });
}

function checkPrerequisite(prerequisite: unknown, path: IssuePath, issues: Issues): void {
  if (!isRecord(prerequisite)) return void issues.push({ path, message: 'must be an object' });
  allowOnly(prerequisite, ['flag', 'variants'], path, issues);
  required(prerequisite, 'flag', path, issues, checkKey);
  const variants = arrayOf(prerequisite, 'variants', path, issues, LIMITS.variants, checkString);
  if (variants?.length === 0)
    issues.push({ path: [...path, 'variants'], message: 'needs at least one variant' });
}

function checkSegmentShape(segment: unknown, path: IssuePath, issues: Issues): void {
  if (!isRecord(segment)) return void issues.push({ path, message: 'must be an object' });
  allowOnly(segment, ['key', 'included', 'excluded', 'rules', 'version'], path, issues);
  required(segment, 'key', path, issues, checkKey);
  arrayOf(segment, 'included', path, issues, LIMITS.segmentKeys, checkString, true);
  arrayOf(segment, 'excluded', path, issues, LIMITS.segmentKeys, checkString, true);
  arrayOf(segment, 'rules', path, issues, LIMITS.rules, checkSegmentRule, true);
  optional(segment, 'version', path, issues, checkNonNegativeInteger);
}

function checkSegmentRule(rule: unknown, path: IssuePath, issues: Issues): void {
  if (!isRecord(rule)) return void issues.push({ path, message: 'must be an object' });
  allowOnly(rule, ['id', 'conditions'], path, issues);
  required(rule, 'id', path, issues, checkNonEmptyString);
  arrayOf(rule, 'conditions', path, issues, LIMITS.conditions, checkCondition);
}

// ---- primitives ----------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allowOnly(value: Record_, allowed: readonly string[], path: IssuePath, issues: Issues): void {
  if (issues.allowUnknownFields) return;
  for (const field of Object.keys(value)) {
    if (!allowed.includes(field)) issues.push({ path: [...path, field], message: 'unknown field' });
  }
}

function required(value: Record_, field: string, path: IssuePath, issues: Issues, check: Check): void {
  if (value[field] === undefined) issues.push({ path: [...path, field], message: 'is required' });
  else check(value[field], [...path, field], issues);
}

function optional(value: Record_, field: string, path: IssuePath, issues: Issues, check: Check): void {
  if (value[field] !== undefined) check(value[field], [...path, field], issues);
}

/** Checks an array field and each element; returns the array when it is one, for further checks. */
function arrayOf(
  value: Record_,
  field: string,
  path: IssuePath,
  issues: Issues,
  maxLength: number,
  check: Check,
  isOptional = false,
): unknown[] | undefined {
  const items = value[field];
  const at = [...path, field];
  if (items === undefined) {
    if (!isOptional) issues.push({ path: at, message: 'is required' });
    return undefined;
  }
  if (!Array.isArray(items)) {
    issues.push({ path: at, message: 'must be an array' });
    return undefined;
  }
  if (items.length > maxLength) {
    issues.push({ path: at, message: `must have at most ${maxLength} items` });
    return items;
  }
  items.forEach((item, index) => {
    check(item, [...at, index], issues);
  });
  return items;
}

function checkString(value: unknown, path: IssuePath, issues: Issues): void {
  if (typeof value !== 'string') issues.push({ path, message: 'must be a string' });
  else if (value.length > LIMITS.stringLength) {
    issues.push({ path, message: `must be at most ${LIMITS.stringLength} characters` });
  }
}

function checkNonEmptyString(value: unknown, path: IssuePath, issues: Issues): void {
  if (value === '') issues.push({ path, message: 'must not be empty' });
  else checkString(value, path, issues);
}

function checkKey(value: unknown, path: IssuePath, issues: Issues): void {
  if (typeof value !== 'string' || !FLAG_KEY_PATTERN.test(value)) {
    issues.push({ path, message: `must match ${FLAG_KEY_PATTERN.source}` });
  }
}

function checkBoolean(value: unknown, path: IssuePath, issues: Issues): void {
  if (typeof value !== 'boolean') issues.push({ path, message: 'must be a boolean' });
}

function checkNonNegativeInteger(value: unknown, path: IssuePath, issues: Issues): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    issues.push({ path, message: 'must be a non-negative integer' });
  }
}

function checkScalar(value: unknown, path: IssuePath, issues: Issues): void {
  const type = typeof value;
  if (type === 'string') checkString(value, path, issues);
  else if (type === 'number' ? !Number.isFinite(value) : type !== 'boolean') {
    issues.push({ path, message: 'must be a string, a finite number or a boolean' });
  }
}
