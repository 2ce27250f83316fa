/**
 * Building blocks for hand-pinned suites: every expectation here is written from README semantics, never
 * read back from the evaluator. The generator evaluates each case and fails if the evaluator disagrees.
 */
import type { Condition, Flag, JsonValue, Reason, Rollout, Segment, Snapshot } from '../../src/index.js';
import { toJsonText } from './format.js';
import { referenceSplit, rolloutOf } from './reference.js';

export type HandExpectation =
  | { reason: 'ERROR'; errorCode: 'MALFORMED_FLAG' | 'FLAG_NOT_FOUND' }
  | {
      reason: Exclude<Reason, 'ERROR'>;
      variant: string;
      ruleId?: string;
      /** Only when the variant's value cannot be looked up in the flag (it is, otherwise). */
      value?: JsonValue;
    };

export interface HandCase {
  name: string;
  flag: string;
  context: unknown;
  expect: HandExpectation;
}

export interface HandSuite {
  name: string;
  description: string;
  /** Whether validateSnapshot must accept the snapshot (checked by the generator either way). */
  valid: boolean;
  snapshot: Snapshot;
  cases: HandCase[];
}

export interface HandFile {
  file: string;
  name: string;
  description: string;
  suites: HandSuite[];
}

/** A known disagreement between a hand expectation and the evaluator, kept out of the vectors. */
export interface Disagreement {
  suite: HandSuite;
  /** The README sentence(s) the expectation follows. */
  readme: string;
  note: string;
}

export const MALFORMED: HandExpectation = { reason: 'ERROR', errorCode: 'MALFORMED_FLAG' };
export const NOT_FOUND: HandExpectation = { reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' };

export function serves(variant: string, reason: Exclude<Reason, 'ERROR'>, ruleId?: string): HandExpectation {
  return ruleId === undefined ? { reason, variant } : { reason, variant, ruleId };
}

export const ruleMatch = (variant: string, ruleId: string) => serves(variant, 'RULE_MATCH', ruleId);
export const fallthrough = (variant: string) => serves(variant, 'FALLTHROUGH');
export const off = (variant: string) => serves(variant, 'OFF');
export const target = (variant: string) => serves(variant, 'TARGET_MATCH');
export const prerequisiteFailed = (variant: string) => serves(variant, 'PREREQUISITE_FAILED');
export const unbucketed = (variant: string) => serves(variant, 'DEFAULT');

export function snapshot(flags: Flag[], segments: Segment[] = [], version = 1): Snapshot {
  return { version, flags, segments };
}

/** A boolean flag with variants `on` (true) / `off` (false), on for everyone unless overridden. */
export function booleanFlag(key: string, overrides: Partial<Flag> = {}): Flag {
  return {
    key,
    type: 'boolean',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    enabled: true,
    offVariant: 'off',
    fallthrough: { variant: 'on' },
    ...overrides,
  };
}

/** A string flag whose variants' values are their keys. */
export function stringFlag(key: string, variants: string[], overrides: Partial<Flag>): Flag {
  return {
    key,
    type: 'string',
    variants: variants.map((variant) => ({ key: variant, value: variant })),
    enabled: true,
    offVariant: variants[0]!,
    fallthrough: { variant: variants[0]! },
    ...overrides,
  };
}

// ---- condition tables ------------------------------------------------------------------------------------

/** The rule id of every condition flag. */
export const RULE = 'rule';

/**
 * A boolean flag that serves `hit` (true) with RULE_MATCH when `conditions` all hold, else `miss` (false)
 * with FALLTHROUGH: the outcome of a case says exactly whether the conditions hold.
 */
export function conditionFlag(key: string, conditions: Condition[]): Flag {
  return {
    key,
    type: 'boolean',
    variants: [
      { key: 'hit', value: true },
      { key: 'miss', value: false },
    ],
    enabled: true,
    offVariant: 'miss',
    rules: [{ id: RULE, conditions, serve: { variant: 'hit' } }],
    fallthrough: { variant: 'miss' },
  };
}

export const holds = (holdsIt: boolean): HandExpectation =>
  holdsIt ? ruleMatch('hit', RULE) : fallthrough('miss');

/** Marks an attribute left out of the context. */
export const ABSENT = Symbol('absent');

/** One row of a condition table: the attribute's value (or ABSENT), whether the condition holds, a note. */
export type Row = [value: unknown, holds: boolean, note?: string];

export interface ConditionTable {
  flag: string;
  condition: Condition;
  rows: Row[];
}

/** Flags and cases for a list of condition tables; contexts are `{ key: "user-1", <attribute>: value }`. */
export function conditionSuite(
  name: string,
  description: string,
  tables: ConditionTable[],
  segments: Segment[] = [],
): HandSuite {
  const flags = tables.map((table) => conditionFlag(table.flag, [table.condition]));
  const cases = tables.flatMap((table) =>
    table.rows.map(([value, holdsIt, note]): HandCase => {
      const context: Record<string, unknown> = { key: 'user-1' };
      const attribute = table.condition.attribute;
      if (value !== ABSENT) {
        if (attribute.startsWith('/')) throw new Error('use contextTable for pointer attributes');
        context[attribute] = value;
      }
      return {
        name: `${table.flag}: ${describeValue(value)} ${holdsIt ? 'holds' : 'does not hold'}${note ? ` (${note})` : ''}`,
        flag: table.flag,
        context,
        expect: holds(holdsIt),
      };
    }),
  );
  return { name, description, valid: true, snapshot: snapshot(flags, segments), cases };
}

/** Rows whose first element is a whole context (for pointers, non-object contexts, odd keys). */
export type ContextRow = [context: unknown, holds: boolean, note?: string];

export function contextCases(flag: string, rows: ContextRow[]): HandCase[] {
  return rows.map(([context, holdsIt, note]) => ({
    name: `${flag}: ${describeValue(context)} ${holdsIt ? 'holds' : 'does not hold'}${note ? ` (${note})` : ''}`,
    flag,
    context,
    expect: holds(holdsIt),
  }));
}

export function describeValue(value: unknown): string {
  if (value === ABSENT) return 'absent';
  const text = toJsonText(value).trim().replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---- rollouts ---------------------------------------------------------------------------------------------

/** The JSON-parsed form of a value as an SDK will see it (RawNumber markers become numbers). */
export function parsed(value: unknown): unknown {
  return JSON.parse(toJsonText(value));
}

/**
 * Expected outcome of rule `ruleId` (or the fallthrough) of `flag` for `context`, from the reference
 * hash: the variant owning the bucket, or undefined when the rule does not serve (unbucketable, or the
 * bucket is in the unassigned remainder).
 */
export function splitBy(
  flag: Flag,
  ruleId: string | undefined,
  context: unknown,
): HandExpectation | undefined {
  const rollout: Rollout = rolloutOf(flag, ruleId);
  const split = referenceSplit(flag, rollout, parsed(context));
  if (split?.variant === undefined) return undefined;
  return serves(split.variant, 'SPLIT', ruleId);
}

/** The reference bucket of `context` in rule `ruleId` (or the fallthrough) of `flag`. */
export function bucketIn(flag: Flag, ruleId: string | undefined, context: unknown): number | undefined {
  return referenceSplit(flag, rolloutOf(flag, ruleId), parsed(context))?.bucket;
}
