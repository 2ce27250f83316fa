import { ErrorCode, type ResolutionReason, StandardResolutionReasons } from '@openfeature/core';
import type { EvaluationErrorCode, Reason } from '@unveil/sdk';

/**
 * Unveil's reasons as OpenFeature's standard reasons (the mapping `@unveil/core`'s README defines). The
 * reason Unveil gave is kept in `flagMetadata.unveilReason`, since several map onto one.
 */
export const REASONS: Readonly<Record<Reason, ResolutionReason>> = {
  OFF: StandardResolutionReasons.DISABLED,
  TARGET_MATCH: StandardResolutionReasons.TARGETING_MATCH,
  RULE_MATCH: StandardResolutionReasons.TARGETING_MATCH,
  SPLIT: StandardResolutionReasons.SPLIT,
  FALLTHROUGH: StandardResolutionReasons.DEFAULT,
  // A configured outcome (the flag's prerequisites decided it), not a fallback.
  PREREQUISITE_FAILED: StandardResolutionReasons.TARGETING_MATCH,
  DEFAULT: StandardResolutionReasons.DEFAULT,
  ERROR: StandardResolutionReasons.ERROR,
};

/** Unveil's evaluation error codes as OpenFeature's. */
export const ERROR_CODES: Readonly<Record<EvaluationErrorCode, ErrorCode>> = {
  FLAG_NOT_FOUND: ErrorCode.FLAG_NOT_FOUND,
  TYPE_MISMATCH: ErrorCode.TYPE_MISMATCH,
  MALFORMED_FLAG: ErrorCode.PARSE_ERROR,
  CLIENT_NOT_READY: ErrorCode.PROVIDER_NOT_READY,
  GENERAL: ErrorCode.GENERAL,
};
