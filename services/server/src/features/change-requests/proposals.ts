import type { Executor } from '../../db/database.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import { CHANGE_REQUEST_TTL_MS, type ChangeRequestKind } from './change-request.js';
import { type ChangeRequestRecord, insertChangeRequest } from './change-requests-store.js';

export interface Proposal {
  environmentKey: string;
  kind: ChangeRequestKind;
  resourceKey: string;
  payload: unknown;
  baseVersion: number | null;
  applyAt?: Date;
}

/** Holds a change for approval: a change request, and the audit entry saying who proposed what and why. */
export async function proposeChange(
  tx: Executor,
  proposal: Proposal,
  context: WriteContext,
  at: Date,
): Promise<ChangeRequestRecord> {
  const request = await insertChangeRequest(tx, {
    ...proposal,
    applyAt: proposal.applyAt ?? null,
    author: context.actor,
    reason: context.reason ?? null,
    expiresAt: new Date(at.getTime() + CHANGE_REQUEST_TTL_MS),
    createdAt: at,
  });
  await appendAuditEntry(tx, context, {
    at,
    action: 'change-request.propose',
    resourceType: 'change-request',
    resourceKey: String(request.id),
    environmentKey: proposal.environmentKey,
    before: null,
    after: request,
  });
  return request;
}
