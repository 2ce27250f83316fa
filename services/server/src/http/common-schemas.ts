import { FLAG_KEY_PATTERN } from '@unveil/core';
import { z } from 'zod';

/** Environments, flags and segments share the flag key pattern: lowercase, URL- and log-safe. */
export const resourceKey = z
  .string()
  .regex(FLAG_KEY_PATTERN, 'must match ^[a-z0-9][a-z0-9._-]{0,127}$ (lowercase letters, digits, . _ -)');

export const displayName = z.string().trim().min(1).max(200);
export const description = z.string().max(4000);
/**
 * A response timestamp: handlers return Dates and JSON carries ISO 8601 strings; the OpenAPI document
 * describes the JSON side.
 */
export const timestamp = z.codec(z.date(), z.iso.datetime(), {
  decode: (date) => date.toISOString(),
  encode: (text) => new Date(text),
});

export const environmentParams = z.strictObject({ env: resourceKey });
export const flagParams = z.strictObject({ flag: resourceKey });
