import { OPERATORS, TOTAL_WEIGHT } from '@unveil/core';
import { z } from 'zod';
import { resourceKey, timestamp } from '../../http/common-schemas.js';
import { emergencyFields } from '../../http/request-context.js';
import { variantKey } from '../flags/flags-schemas.js';
import { AUDIENCE_SEGMENT_KEY_MAX_LENGTH } from './audience-rules.js';

export const flagConfigParams = z.strictObject({ env: resourceKey, flag: resourceKey });
export const flagConfigVersionParams = flagConfigParams.extend({
  version: z.coerce.number().int().min(1).max(999_999_999),
});

const attribute = z.string().min(1).max(256);
const conditionValue = z.union([z.string().max(4096), z.number(), z.boolean()]);

export const condition = z.strictObject({
  attribute,
  operator: z.enum(OPERATORS),
  values: z.array(conditionValue).max(1000),
  negate: z.boolean().exactOptional(),
});

const rollout = z.strictObject({
  bucketBy: attribute.exactOptional(),
  salt: z.string().min(1).max(256).exactOptional(),
  variants: z
    .array(z.strictObject({ variant: variantKey, weight: z.int().min(0).max(TOTAL_WEIGHT) }))
    .min(1)
    .max(100),
});

/** Exactly one of `variant` and `rollout`. */
const serve = z
  .strictObject({ variant: variantKey.exactOptional(), rollout: rollout.exactOptional() })
  .refine((value) => (value.variant === undefined) !== (value.rollout === undefined), {
    message: 'give exactly one of "variant" and "rollout"',
  });

const rule = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  description: z.string().max(1000).exactOptional(),
  conditions: z.array(condition).max(100),
  serve,
});

const contextKeys = z.array(z.string().min(1).max(256)).max(10_000);

export const flagConfigFields = {
  enabled: z.boolean(),
  offVariant: variantKey,
  targets: z
    .array(z.strictObject({ variant: variantKey, keys: contextKeys }))
    .max(100)
    .default([]),
  rules: z.array(rule).max(500).default([]),
  fallthrough: serve,
  prerequisites: z
    .array(z.strictObject({ flag: resourceKey, variants: z.array(variantKey).min(1).max(100) }))
    .max(50)
    .default([]),
};

/** PUT replaces the whole configuration; lists left out are empty. */
export const putFlagConfigBody = z.strictObject({ ...flagConfigFields, ...emergencyFields });

export const audienceParams = flagConfigParams.extend({
  segment: resourceKey.max(AUDIENCE_SEGMENT_KEY_MAX_LENGTH),
});
export const audienceBody = z.strictObject({ variant: variantKey, ...emergencyFields });

export const flagConfigResponse = z.object({
  flag: z.string(),
  environment: z.string(),
  ...flagConfigFields,
  version: z.int(),
  updatedAt: timestamp,
});

export const flagConfigVersionsResponse = z.object({
  items: z.array(
    z.object({ version: z.int(), config: z.object(flagConfigFields), at: timestamp, actor: z.string() }),
  ),
});
