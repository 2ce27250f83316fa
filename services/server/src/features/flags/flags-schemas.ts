import { z } from 'zod';
import { description, displayName, flagParams, resourceKey, timestamp } from '../../http/common-schemas.js';
import { writeMetadataFields } from '../../http/request-context.js';

export { flagParams };

export const variantKey = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');

const variant = z.strictObject({
  key: variantKey,
  value: z.json(),
  name: displayName.exactOptional(),
});

const variants = z.array(variant).min(1).max(100);
const tag = z.string().regex(/^[a-z0-9][a-z0-9._:-]{0,63}$/, 'lowercase, up to 64 characters');
const tags = z.array(tag).max(50);
const flagType = z.enum(['boolean', 'string', 'number', 'json']);
const owner = z.string().trim().min(1).max(200).nullable();

export const createFlagBody = z
  .strictObject({
    key: resourceKey,
    name: displayName,
    description: description.default(''),
    type: flagType,
    /** Optional for boolean flags only, which default to on = true and off = false. */
    variants: variants.exactOptional(),
    tags: tags.default([]),
    owner: owner.default(null),
    temporary: z.boolean().default(true),
    clientSide: z.boolean().default(false),
    reason: writeMetadataFields.reason,
  })
  .refine((body) => body.type === 'boolean' || body.variants !== undefined, {
    message: 'required unless the type is boolean',
    path: ['variants'],
  });

export const updateFlagBody = z.strictObject({
  name: displayName.exactOptional(),
  description: description.exactOptional(),
  variants: variants.exactOptional(),
  tags: tags.exactOptional(),
  owner: owner.exactOptional(),
  temporary: z.boolean().exactOptional(),
  clientSide: z.boolean().exactOptional(),
  ...writeMetadataFields,
});

export const listFlagsQuery = z.strictObject({
  tag: tag.exactOptional(),
  q: z.string().min(1).max(200).exactOptional(),
  archived: z.enum(['true', 'false', 'all']).default('false'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: resourceKey.exactOptional(),
});

export const versionParams = z.strictObject({
  flag: resourceKey,
  version: z.coerce.number().int().min(1).max(999_999_999),
});

export const flagResponse = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  type: flagType,
  variants: z.array(z.object({ key: z.string(), value: z.json(), name: z.string().optional() })),
  tags: z.array(z.string()),
  owner: z.string().nullable(),
  temporary: z.boolean(),
  clientSide: z.boolean(),
  archived: z.boolean(),
  version: z.int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const flagPageResponse = z.object({ items: z.array(flagResponse), nextCursor: z.string().nullable() });

export const flagVersionsResponse = z.object({
  items: z.array(
    z.object({
      version: z.int(),
      definition: flagResponse.omit({ version: true, createdAt: true, updatedAt: true }),
      at: timestamp,
      actor: z.string(),
    }),
  ),
});
