/**
 * The flag model as SDKs see it: one environment's flags and segments, each flag already combined with
 * that environment's configuration. The server stores definitions and per-environment configs apart;
 * this is the shape it delivers and the shape the evaluator compiles.
 *
 * Semantics of every field are specified in packages/core/README.md; the test vectors pin them.
 */

/** Any JSON value a variant may carry. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type FlagType = 'boolean' | 'string' | 'number' | 'json';

/** Regex a flag key (and a segment key) must match. */
export const FLAG_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** Rollout weights are in thousandths of a percent: 100000 = 100 %. */
export const TOTAL_WEIGHT = 100_000;

/** Bumped only if the bucketing function ever changes, so that no user is reshuffled silently. */
export const BUCKETING_VERSION = 1;

export interface Variant {
  key: string;
  value: JsonValue;
  name?: string;
}

/** Every condition operator; semantics in README "Conditions". */
export const OPERATORS = [
  'equals',
  'in',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'lt',
  'lte',
  'gt',
  'gte',
  'semverEq',
  'semverLt',
  'semverGt',
  'before',
  'after',
  'exists',
  'inSegment',
] as const;

export type Operator = (typeof OPERATORS)[number];

/** A scalar a condition compares with. */
export type ConditionValue = string | number | boolean;

/**
 * `attribute` names a top-level context attribute, or a JSON pointer (`/address/city`) into nested
 * objects. `inSegment` ignores it: its values are segment keys and it tests the context's `key`.
 */
export interface Condition {
  attribute: string;
  operator: Operator;
  values: ConditionValue[];
  negate?: boolean;
}

export interface WeightedVariant {
  variant: string;
  /** Thousandths of a percent; 0 is allowed and serves nobody. */
  weight: number;
}

/**
 * Percentage split. In the fallthrough the weights sum to exactly {@link TOTAL_WEIGHT}. In a rule they may
 * sum to less: a context whose bucket falls in the unassigned remainder does not match the rule, and
 * evaluation goes on with the next rule (this is how a release's staged rule leaves everyone outside
 * its cohort on the flag's ordinary configuration).
 */
export interface Rollout {
  /** Attribute whose value is hashed; default `key`. */
  bucketBy?: string;
  /** Hash salt; default the flag key. A release sets its own so all its flags share one cohort. */
  salt?: string;
  variants: WeightedVariant[];
}

/** What a rule or the fallthrough serves: one variant, or a rollout. Exactly one of the two. */
export interface Serve {
  variant?: string;
  rollout?: Rollout;
}

export interface Rule {
  /** Stable id, reported as `ruleId` in evaluation results. */
  id: string;
  description?: string;
  /** All must hold; an empty list always holds. */
  conditions: Condition[];
  serve: Serve;
}

/** Individual targeting: these context keys get this variant, before any rule. */
export interface Target {
  variant: string;
  keys: string[];
}

/** The flag is served normally only if `flag` evaluates (on, without error) to one of `variants`. */
export interface Prerequisite {
  flag: string;
  variants: string[];
}

export interface Flag {
  key: string;
  type: FlagType;
  variants: Variant[];
  /** Kill switch: false serves `offVariant` to everyone. */
  enabled: boolean;
  offVariant: string;
  targets?: Target[];
  rules?: Rule[];
  fallthrough: Serve;
  prerequisites?: Prerequisite[];
  /** Visible to client-side (browser) SDK keys. */
  clientSide?: boolean;
  /** Per-flag version, bumped by each change to it. */
  version?: number;
}

export interface SegmentRule {
  id: string;
  conditions: Condition[];
}

/** An audience: contexts whose key is included, or that match a rule and are not excluded. */
export interface Segment {
  key: string;
  included?: string[];
  excluded?: string[];
  rules?: SegmentRule[];
  version?: number;
}

/** One environment's complete configuration at one version. */
export interface Snapshot {
  environment?: string;
  version: number;
  bucketingVersion?: number;
  /**
   * Set in client-safe snapshots (what browser SDKs receive): every string in `targets[].keys`, in
   * segments' `included` / `excluded`, and in the values of `equals` / `in` conditions on `key` is then
   * `hashTargetingKey(keyHashSalt, key)`, never a key, and the evaluator hashes the context key the same
   * way before comparing.
   */
  keyHashSalt?: string;
  flags: Flag[];
  segments: Segment[];
}

/**
 * Who is asking. `key` is the targeting key: individual targets, segments' key lists and the default
 * rollout use it. Any other attribute may be named by a condition or a rollout's `bucketBy`.
 */
export interface EvaluationContext {
  key?: string;
  [attribute: string]: unknown;
}
