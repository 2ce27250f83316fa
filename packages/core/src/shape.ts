/**
 * The shape gate of the compiler: whether a flag or segment read off the wire has the shape the compiler
 * relies on. The rules are validate.ts's shape checks with unknown fields allowed — a newer server may
 * add fields — (a property test keeps the two equal), answered yes or no: an SDK needs the verdict only,
 * the server the paths and messages, which stay out of browser bundles this way.
 */
import { LIMITS } from './limits.js';
import { FLAG_KEY_PATTERN, OPERATORS } from './model.js';

type Check = (value: unknown) => boolean;
type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** `check` on an object, or false. */
const object =
  (check: (value: Fields) => boolean): Check =>
  (value) =>
    isObject(value) && check(value);
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value);
const list =
  (maxLength: number, item: Check, minLength = 0): Check =>
  (value) =>
    Array.isArray(value) && value.length >= minLength && value.length <= maxLength && value.every(item);

const string: Check = (value) => typeof value === 'string' && value.length <= LIMITS.stringLength;
const nonEmptyString: Check = (value) => value !== '' && string(value);
const key: Check = (value) => typeof value === 'string' && FLAG_KEY_PATTERN.test(value);
const boolean: Check = (value) => typeof value === 'boolean';
const count: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const scalar: Check = (value) =>
  typeof value === 'number' ? Number.isFinite(value) : boolean(value) || string(value);
const optionalString = optional(string);
const optionalBoolean = optional(boolean);
const optionalCount = optional(count);

const condition = object(
  ({ operator, attribute, values, negate }) =>
    OPERATORS.includes(operator as never) &&
    (operator === 'inSegment' ? optionalString(attribute) : nonEmptyString(attribute)) &&
    list(LIMITS.conditionValues, scalar, operator === 'exists' ? 0 : 1)(values) &&
    optionalBoolean(negate),
);
const conditions = list(LIMITS.conditions, condition);

const weightedVariant = object(({ variant, weight }) => string(variant) && count(weight));
const rollout = object(
  ({ bucketBy, salt, variants }) =>
    optional(nonEmptyString)(bucketBy) &&
    optionalString(salt) &&
    list(LIMITS.variants, weightedVariant, 1)(variants),
);
/** Exactly one of `variant` and `rollout` is present (even as undefined). */
const serve = object(
  (value) =>
    'variant' in value !== 'rollout' in value &&
    optionalString(value.variant) &&
    optional(rollout)(value.rollout),
);

const variant = object(
  ({ key: variantKey, value, name }) =>
    nonEmptyString(variantKey) && value !== undefined && optionalString(name),
);
const target = object(({ variant: served, keys }) => string(served) && list(LIMITS.targetKeys, string)(keys));
const rule = object(
  ({ id, description, conditions: all, serve: served }) =>
    nonEmptyString(id) && optionalString(description) && conditions(all) && serve(served),
);
const prerequisite = object(({ flag, variants }) => key(flag) && list(LIMITS.variants, string, 1)(variants));
const FLAG_TYPES: unknown[] = ['boolean', 'string', 'number', 'json'];

/** Whether the compiler may trust this flag's shape (validate.ts `flagShapeIssues`, unknown fields allowed). */
export const isFlagShaped: Check = object(
  (flag) =>
    key(flag.key) &&
    FLAG_TYPES.includes(flag.type) &&
    list(LIMITS.variants, variant, 1)(flag.variants) &&
    boolean(flag.enabled) &&
    string(flag.offVariant) &&
    optional(list(LIMITS.variants, target))(flag.targets) &&
    optional(list(LIMITS.rules, rule))(flag.rules) &&
    serve(flag.fallthrough) &&
    optional(list(LIMITS.variants, prerequisite))(flag.prerequisites) &&
    optionalBoolean(flag.clientSide) &&
    optionalCount(flag.version),
);

const segmentKeys = optional(list(LIMITS.segmentKeys, string));
const segmentRule = object(({ id, conditions: all }) => nonEmptyString(id) && conditions(all));

/** Whether the compiler may trust this segment's shape (validate.ts `segmentShapeIssues`, unknown fields allowed). */
export const isSegmentShaped: Check = object(
  (segment) =>
    key(segment.key) &&
    segmentKeys(segment.included) &&
    segmentKeys(segment.excluded) &&
    optional(list(LIMITS.rules, segmentRule))(segment.rules) &&
    optionalCount(segment.version),
);
