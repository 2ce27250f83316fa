import { z } from 'zod';
import { description, displayName, resourceKey, timestamp } from '../../http/common-schemas.js';
import { emergencyFields } from '../../http/request-context.js';
import { condition } from '../flag-configs/flag-configs-schemas.js';

export const segmentsParams = z.strictObject({ env: resourceKey });
export const segmentParams = z.strictObject({ env: resourceKey, segment: resourceKey });

const contextKeys = z.array(z.string().min(1).max(256)).max(100_000);
const segmentRule = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  conditions: z.array(condition).max(100),
});

const contentFields = {
  name: displayName,
  description: description.default(''),
  included: contextKeys.default([]),
  excluded: contextKeys.default([]),
  rules: z.array(segmentRule).max(500).default([]),
};

export const createSegmentBody = z.strictObject({
  key: resourceKey,
  ...contentFields,
  reason: emergencyFields.reason,
  emergency: emergencyFields.emergency,
});

export const updateSegmentBody = z.strictObject({
  name: displayName.exactOptional(),
  description: description.exactOptional(),
  included: contextKeys.exactOptional(),
  excluded: contextKeys.exactOptional(),
  rules: z.array(segmentRule).max(500).exactOptional(),
  ...emergencyFields,
});

export const deleteSegmentBody = z.strictObject(emergencyFields).default({});

export const segmentResponse = z.object({
  environment: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string(),
  included: z.array(z.string()),
  excluded: z.array(z.string()),
  rules: z.array(segmentRule),
  version: z.int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const segmentListResponse = z.object({ items: z.array(segmentResponse) });
