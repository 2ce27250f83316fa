import { type ErrorCode, UnveilError } from './errors.js';

/**
 * Optimistic concurrency: a write that names the version it read fails if the stored one moved on.
 * Callers hold the row lock (SELECT … FOR UPDATE) while checking, so the check and the write are atomic.
 */
export function assertExpectedVersion(
  resource: string,
  currentVersion: number,
  expectedVersion: number | undefined,
): void {
  if (expectedVersion === undefined || expectedVersion === currentVersion) return;
  throw new UnveilError('UNVEIL_ERR_VERSION_CONFLICT', {
    detail: `${resource} is at version ${currentVersion}, not ${expectedVersion}`,
    extensions: { currentVersion },
  });
}

/** Throws the not-found error of a resource when a lookup came back empty. */
export function found<T>(value: T | undefined, code: ErrorCode, detail: string): T {
  if (value === undefined) throw new UnveilError(code, { detail });
  return value;
}
