import {
  ErrorCode,
  type FlagMetadata,
  type FlagValue,
  type FlagValueType,
  type JsonValue,
  OpenFeatureError,
  type ResolutionDetails,
  StandardResolutionReasons,
} from '@openfeature/core';
import type {
  EvaluationErrorCode,
  EvaluationResult,
  UnveilClient,
  EvaluationContext as UnveilContext,
} from '@unveil/sdk';
import { ERROR_CODES, REASONS } from './mapping.js';

/**
 * The SDK picks the flag type to read from its default's JavaScript type; these defaults make it read the
 * type OpenFeature asked for, whatever the caller's default is (`getObjectValue(key, 'x')` still reads a
 * json flag). The caller's own default is what an error returns.
 */
const TYPE_PROBES: Readonly<Record<FlagValueType, JsonValue>> = {
  boolean: false,
  string: '',
  number: 0,
  object: {},
};

/** Unveil's name of each OpenFeature type, for error messages. */
const UNVEIL_TYPES: Readonly<Record<FlagValueType, string>> = {
  boolean: 'boolean',
  string: 'string',
  number: 'number',
  object: 'json',
};

/**
 * Evaluates `flagKey` locally and describes the result in OpenFeature's terms. Never throws: a context
 * that cannot be converted answers `INVALID_CONTEXT`, anything unexpected `GENERAL`, and no client (not
 * initialized) `PROVIDER_NOT_READY`, each with the caller's default.
 */
export function resolveFlag<T extends FlagValue>(
  client: UnveilClient | undefined,
  flagKey: string,
  type: FlagValueType,
  defaultValue: T,
  context: () => UnveilContext | undefined,
): ResolutionDetails<T> {
  if (client === undefined)
    return failure(defaultValue, ErrorCode.PROVIDER_NOT_READY, 'the provider is not initialized');
  try {
    const detail = client.getDetail(flagKey, TYPE_PROBES[type], context());
    const flagMetadata = metadataOf(detail, client.version);
    if (detail.errorCode !== undefined)
      return failure(
        defaultValue,
        ERROR_CODES[detail.errorCode],
        errorMessage(detail.errorCode, flagKey, type),
        flagMetadata,
      );
    return {
      // The SDK checked the type: a flag of another type answered TYPE_MISMATCH above.
      value: detail.value as T,
      ...(detail.variant === undefined ? {} : { variant: detail.variant }),
      reason: REASONS[detail.reason],
      flagMetadata,
    };
  } catch (error) {
    if (error instanceof OpenFeatureError) return failure(defaultValue, error.code, error.message);
    return failure(defaultValue, ErrorCode.GENERAL, `evaluation failed: ${String(error)}`);
  }
}

function failure<T>(
  defaultValue: T,
  errorCode: ErrorCode,
  errorMessage: string,
  flagMetadata?: FlagMetadata,
): ResolutionDetails<T> {
  return {
    value: defaultValue,
    reason: StandardResolutionReasons.ERROR,
    errorCode,
    errorMessage,
    ...(flagMetadata === undefined ? {} : { flagMetadata }),
  };
}

/** What OpenFeature's reasons leave out: Unveil's own reason, the rule that decided, the configuration. */
function metadataOf(detail: EvaluationResult<unknown>, version: number | undefined): FlagMetadata {
  const metadata: FlagMetadata = { unveilReason: detail.reason };
  if (detail.ruleId !== undefined) metadata.ruleId = detail.ruleId;
  if (version !== undefined) metadata.configVersion = version;
  return metadata;
}

function errorMessage(code: EvaluationErrorCode, flagKey: string, type: FlagValueType): string {
  switch (code) {
    case 'FLAG_NOT_FOUND':
      return `no flag "${flagKey}" in this environment (or not visible to this SDK key)`;
    case 'TYPE_MISMATCH':
      return `flag "${flagKey}" is not a ${UNVEIL_TYPES[type]} flag`;
    case 'MALFORMED_FLAG':
      return `flag "${flagKey}" cannot be evaluated: its configuration is malformed`;
    case 'CLIENT_NOT_READY':
      return 'no flag configuration has been loaded yet';
    case 'GENERAL':
      return `evaluating flag "${flagKey}" failed`;
  }
}
