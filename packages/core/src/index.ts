export { CompileError } from './compile-error.js';
export type { CompiledFlag, FlagResult, ResultTagger } from './compile-flag.js';
export { type CompiledSnapshot, compileFlags } from './compile-snapshot.js';
export { compileSnapshot, Evaluator } from './evaluator.js';
export { BUCKETS, bucket, murmur3 } from './hash.js';
export type {
  Condition,
  ConditionValue,
  EvaluationContext,
  Flag,
  FlagType,
  JsonValue,
  Operator,
  Prerequisite,
  Rollout,
  Rule,
  Segment,
  SegmentRule,
  Serve,
  Snapshot,
  Target,
  Variant,
  WeightedVariant,
} from './model.js';
export { BUCKETING_VERSION, FLAG_KEY_PATTERN, OPERATORS, TOTAL_WEIGHT } from './model.js';
export { ALL_OPERATORS } from './operators/all.js';
export { BASIC_OPERATORS } from './operators/basic.js';
export { DATE_OPERATORS } from './operators/dates.js';
export { REGEX_OPERATORS } from './operators/regex.js';
export { SEMVER_OPERATORS } from './operators/semver.js';
export type { OperatorCompiler, OperatorTable, ValueTest } from './operators/table.js';
export type { ErrorCode, EvaluationResult, Reason } from './result.js';
export { MAX_PREREQUISITE_DEPTH, RESULT_TAG } from './result.js';
export { compareSemver, parseSemver, type Semver } from './semver.js';
export { hashTargetingKey } from './targeting-key.js';
export { toEpochMillis } from './timestamps.js';
export { asContext, typedDetail } from './typed-detail.js';
export {
  type IssuePath,
  LIMITS,
  type ValidationIssue,
  validateFlag,
  validateSegment,
  validateSnapshot,
} from './validate.js';
export {
  type AckMessage,
  applyPatch,
  type ClientMessage,
  type ErrorMessage,
  type EventsBatch,
  type ExposureCount,
  type GoawayMessage,
  type HeartbeatMessage,
  type HelloMessage,
  type PatchMessage,
  type ServerMessage,
  type SnapshotMessage,
  type TrackedEvent,
  VersionGapError,
} from './wire.js';
