import { z } from 'zod';
import {
  description,
  displayName,
  environmentParams,
  resourceKey,
  timestamp,
} from '../../http/common-schemas.js';
import { writeMetadataBody } from '../../http/request-context.js';
import { weeklyWindow } from '../releases/releases-schemas.js';
import type { FreezeRecord } from './freezes-store.js';

export const freezeParams = environmentParams.extend({ freeze: resourceKey });

const instant = z.iso.datetime({ offset: true });

/**
 * One-off (`startsAt` and `endsAt`) or recurring (`recurrence`, a weekly window), never both. The
 * freeze's `reason` is also the audit entry's.
 */
export const createFreezeBody = z
  .strictObject({
    key: resourceKey,
    name: displayName,
    reason: description.default(''),
    startsAt: instant.exactOptional(),
    endsAt: instant.exactOptional(),
    recurrence: weeklyWindow.exactOptional(),
  })
  .superRefine((body, context) => {
    const oneOff = body.startsAt !== undefined || body.endsAt !== undefined;
    if (oneOff === (body.recurrence !== undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'give either "startsAt" and "endsAt" (one-off) or "recurrence" (weekly)',
        path: ['recurrence'],
      });
    } else if (oneOff && (body.startsAt === undefined || body.endsAt === undefined)) {
      context.addIssue({ code: 'custom', message: 'a one-off freeze needs both ends', path: ['endsAt'] });
    } else if (oneOff && Date.parse(body.endsAt!) <= Date.parse(body.startsAt!)) {
      context.addIssue({ code: 'custom', message: 'must be after "startsAt"', path: ['endsAt'] });
    }
  });

export const deleteFreezeBody = writeMetadataBody;

export const freezeResponse = z.object({
  key: z.string(),
  environment: z.string(),
  name: z.string(),
  reason: z.string(),
  startsAt: timestamp.nullable(),
  endsAt: timestamp.nullable(),
  recurrence: weeklyWindow.nullable(),
  createdBy: z.string(),
  createdAt: timestamp,
});

export const freezeListResponse = z.object({ items: z.array(freezeResponse) });

export function toFreezeResponse({ environmentKey, ...rest }: FreezeRecord): z.input<typeof freezeResponse> {
  return { environment: environmentKey, ...rest };
}
