import { z } from 'zod';
import { resourceKey, timestamp } from '../../http/common-schemas.js';
import { AUDIT_RESOURCE_TYPES } from './audit-entry.js';

export const auditQuery = z
  .strictObject({
    flag: resourceKey.exactOptional(),
    segment: resourceKey.exactOptional(),
    release: resourceKey.exactOptional(),
    emergency: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .exactOptional(),
    environment: resourceKey.exactOptional(),
    actor: z.string().min(1).max(200).exactOptional(),
    from: z.iso.datetime({ offset: true }).exactOptional(),
    to: z.iso.datetime({ offset: true }).exactOptional(),
    before: z.coerce.number().int().min(1).exactOptional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine(
    (query) =>
      query.from === undefined || query.to === undefined || new Date(query.from) <= new Date(query.to),
    {
      message: '"from" must not be after "to"',
      path: ['from'],
    },
  );

export const auditPageResponse = z.object({
  items: z.array(
    z.object({
      id: z.int(),
      at: timestamp,
      actor: z.string(),
      action: z.string(),
      resourceType: z.enum(AUDIT_RESOURCE_TYPES),
      resourceKey: z.string(),
      environmentKey: z.string().nullable(),
      before: z.unknown(),
      after: z.unknown(),
      reason: z.string().nullable(),
      emergency: z.boolean(),
    }),
  ),
  nextCursor: z.int().nullable(),
});
