import { z } from 'zod';
import { resourceKey, timestamp } from '../../http/common-schemas.js';
import { writeMetadataFields } from '../../http/request-context.js';
import { ADMIN_ROLES, KEY_KINDS } from './roles.js';

const keyName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/, 'letters, digits and . _ @ + -, up to 128 characters');

export const createKeyBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('admin'),
    name: keyName,
    role: z.enum(ADMIN_ROLES),
    /** Omitted or null: every environment. */
    environments: z.array(resourceKey).min(1).max(100).nullable().default(null),
    reason: writeMetadataFields.reason,
  }),
  z.strictObject({
    kind: z.enum(['server', 'client']),
    name: keyName,
    environment: resourceKey,
    reason: writeMetadataFields.reason,
  }),
]);

export const keyParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{16}$/, 'a key id') });

export const keyResponse = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(KEY_KINDS),
  role: z.enum(ADMIN_ROLES).nullable(),
  environments: z.array(z.string()).nullable(),
  environmentKey: z.string().nullable(),
  displayPrefix: z.string(),
  createdAt: timestamp,
  createdBy: z.string(),
  revokedAt: timestamp.nullable(),
});

export const createdKeyResponse = keyResponse.extend({
  /** The key itself: shown in this response only. */
  key: z.string(),
});

export const keyListResponse = z.object({ items: z.array(keyResponse) });
