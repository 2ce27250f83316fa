import { z } from 'zod';
import { displayName, environmentParams, resourceKey, timestamp } from '../../http/common-schemas.js';
import { writeMetadataFields } from '../../http/request-context.js';

export { environmentParams };

export const createEnvironmentBody = z.strictObject({
  key: resourceKey,
  name: displayName,
  protected: z.boolean().default(false),
  reason: writeMetadataFields.reason,
});

export const updateEnvironmentBody = z.strictObject({
  name: displayName.exactOptional(),
  protected: z.boolean().exactOptional(),
  ...writeMetadataFields,
});

export const environmentResponse = z.object({
  key: z.string(),
  name: z.string(),
  protected: z.boolean(),
  /** Changes to this record (name, protection); what If-Match compares. */
  version: z.int(),
  /** Changes to what this environment's SDKs see. */
  snapshotVersion: z.int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const environmentListResponse = z.object({ items: z.array(environmentResponse) });
