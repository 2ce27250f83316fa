import { z } from 'zod';
import { environmentParams, timestamp } from '../../http/common-schemas.js';
import { CHANGE_REQUEST_KINDS, CHANGE_REQUEST_STATES } from './change-request.js';
import type { ChangeRequestRecord } from './change-requests-store.js';

export const changeRequestParams = environmentParams.extend({
  id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

export const changeRequestQuery = z.strictObject({
  state: z.enum(CHANGE_REQUEST_STATES).exactOptional(),
  kind: z.enum(CHANGE_REQUEST_KINDS).exactOptional(),
  resource: z.string().min(1).max(200).exactOptional(),
  before: z.coerce.number().int().min(1).exactOptional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const decisionBody = z
  .strictObject({ reason: z.string().trim().min(1).max(2000).exactOptional() })
  .default({});

export const changeRequestResponse = z.object({
  id: z.int(),
  environment: z.string(),
  kind: z.enum(CHANGE_REQUEST_KINDS),
  resource: z.string(),
  /** What applies on approval: a flag configuration, or the release change. */
  payload: z.unknown(),
  baseVersion: z.int().nullable(),
  state: z.enum(CHANGE_REQUEST_STATES),
  author: z.string(),
  reason: z.string().nullable(),
  applyAt: timestamp.nullable(),
  expiresAt: timestamp,
  decidedBy: z.string().nullable(),
  decidedAt: timestamp.nullable(),
  decisionReason: z.string().nullable(),
  failure: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const changeRequestPageResponse = z.object({
  items: z.array(changeRequestResponse),
  nextCursor: z.int().nullable(),
});

export function toChangeRequestResponse({
  environmentKey,
  resourceKey,
  ...rest
}: ChangeRequestRecord): z.input<typeof changeRequestResponse> {
  return { environment: environmentKey, resource: resourceKey, ...rest };
}
