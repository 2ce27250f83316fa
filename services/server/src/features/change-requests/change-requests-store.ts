import { and, asc, desc, eq, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { changeRequests } from '../../db/schema.js';
import type { ChangeRequestKind, ChangeRequestState } from './change-request.js';

export type ChangeRequestRecord = typeof changeRequests.$inferSelect;

export interface NewChangeRequest {
  environmentKey: string;
  kind: ChangeRequestKind;
  resourceKey: string;
  payload: unknown;
  baseVersion: number | null;
  author: string;
  reason: string | null;
  applyAt: Date | null;
  expiresAt: Date;
  createdAt: Date;
}

export async function insertChangeRequest(
  tx: Executor,
  request: NewChangeRequest,
): Promise<ChangeRequestRecord> {
  const [row] = await tx
    .insert(changeRequests)
    .values({ ...request, state: 'pending', updatedAt: request.createdAt })
    .returning();
  return row!;
}

export async function findChangeRequest(
  tx: Executor,
  environmentKey: string,
  id: number,
  lock?: 'update',
): Promise<ChangeRequestRecord | undefined> {
  const query = tx
    .select()
    .from(changeRequests)
    .where(and(eq(changeRequests.environmentKey, environmentKey), eq(changeRequests.id, id)));
  const [row] = await (lock === undefined ? query : query.for(lock));
  return row;
}

export interface ChangeRequestQuery {
  state?: ChangeRequestState;
  kind?: ChangeRequestKind;
  resourceKey?: string;
  before?: number;
  limit: number;
}

export function listChangeRequests(
  tx: Executor,
  environmentKey: string,
  query: ChangeRequestQuery,
): Promise<ChangeRequestRecord[]> {
  const conditions: (SQL | undefined)[] = [
    eq(changeRequests.environmentKey, environmentKey),
    query.state === undefined ? undefined : eq(changeRequests.state, query.state),
    query.kind === undefined ? undefined : eq(changeRequests.kind, query.kind),
    query.resourceKey === undefined ? undefined : eq(changeRequests.resourceKey, query.resourceKey),
    query.before === undefined ? undefined : lt(changeRequests.id, query.before),
  ];
  return tx
    .select()
    .from(changeRequests)
    .where(and(...conditions))
    .orderBy(desc(changeRequests.id))
    .limit(query.limit);
}

export async function updateChangeRequest(
  tx: Executor,
  id: number,
  changes: Partial<
    Pick<ChangeRequestRecord, 'state' | 'decidedBy' | 'decidedAt' | 'decisionReason' | 'failure' | 'applyAt'>
  > & {
    updatedAt: Date;
  },
): Promise<ChangeRequestRecord> {
  const [row] = await tx.update(changeRequests).set(changes).where(eq(changeRequests.id, id)).returning();
  return row!;
}

/**
 * Work for the scheduler, locked so that another instance skips it: pending requests past their expiry,
 * and approved ones whose time to apply has come.
 */
export function claimDueChangeRequests(
  tx: Executor,
  now: Date,
  limit: number,
): Promise<ChangeRequestRecord[]> {
  return tx
    .select()
    .from(changeRequests)
    .where(
      or(
        and(eq(changeRequests.state, 'pending'), lte(changeRequests.expiresAt, now)),
        and(eq(changeRequests.state, 'approved'), lte(changeRequests.applyAt, now)),
      ),
    )
    .orderBy(asc(changeRequests.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}
