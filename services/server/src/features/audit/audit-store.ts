import { and, desc, eq, gte, inArray, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { auditLog } from '../../db/schema.js';
import type { WriteContext } from '../../write-context.js';
import { type ChainedContent, canonicalContent, latestHashSql, lockChain } from './audit-chain.js';
import type { AuditResourceType } from './audit-entry.js';

/** One change to record; who made it and why come from the write context. */
export interface AuditEntryInput {
  at: Date;
  action: string;
  resourceType: AuditResourceType;
  resourceKey: string;
  environmentKey?: string;
  before: unknown;
  after: unknown;
}

export type AuditEntry = typeof auditLog.$inferSelect;

export interface AuditQuery {
  /** Changes to the flag's definition and to its configuration in any environment. */
  flagKey?: string;
  segmentKey?: string;
  releaseKey?: string;
  /** Only emergency changes (true) or only ordinary ones (false). */
  emergency?: boolean;
  environmentKey?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  /** Only entries older than this id (newest first pagination). */
  before?: number;
  limit: number;
  /**
   * For keys limited to some environments: entries of other environments are left out (entries that
   * belong to no environment, such as flag definitions, stay, as those keys may read them).
   */
  visibleEnvironments?: readonly string[];
}

/**
 * Append-only: called inside the transaction of the change it records. The entry joins its chain (see
 * audit-chain.ts) with its hash computed by Postgres from the chain's latest hash, under the chain's lock.
 * Callers may fire several appends of one transaction at once: the statements of a transaction run one
 * after the other on its connection, each insert reading the hash the one before it wrote.
 */
export function appendAuditEntry(tx: Executor, context: WriteContext, entry: AuditEntryInput): Promise<void> {
  const row = {
    at: entry.at,
    actor: context.actor,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceKey: entry.resourceKey,
    environmentKey: entry.environmentKey ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    reason: auditReason(context),
    emergency: context.emergency === true,
  };
  return insertChained(tx, row);
}

async function insertChained(
  tx: Executor,
  row: ChainedContent & { resourceType: AuditResourceType },
): Promise<void> {
  const content = canonicalContent(row);
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  // Sent together: the lock is taken before the insert reads the latest hash (same connection, in order).
  // Hand-written (every admin write runs it; see db/table-rows.ts), reading the chain's latest hash once.
  await Promise.all([
    lockChain(tx, row.environmentKey),
    tx.execute(sql`with previous as (select ${latestHashSql(row.environmentKey)} as hash)
      insert into ${auditLog} (at, actor, action, resource_type, resource_key, environment_key, before, after,
        reason, emergency, prev_hash, hash)
      select ${row.at.toISOString()}::timestamptz, ${row.actor}::text, ${row.action}::text,
        ${row.resourceType}::text, ${row.resourceKey}::text, ${row.environmentKey}::text,
        ${json(row.before)}::jsonb, ${json(row.after)}::jsonb, ${row.reason}::text, ${row.emergency}::boolean,
        previous.hash, encode(sha256(convert_to(previous.hash || chr(10) || ${content}::text, 'UTF8')), 'hex')
      from previous`),
  ]);
}

/** An applied change request names its approver next to the author's reason. */
function auditReason(context: WriteContext): string | null {
  if (context.approvedBy === undefined) return context.reason ?? null;
  const approval = `approved by ${context.approvedBy}`;
  return context.reason === undefined ? approval : `${context.reason} (${approval})`;
}

export async function queryAuditLog(tx: Executor, query: AuditQuery): Promise<AuditEntry[]> {
  const conditions: (SQL | undefined)[] = [
    query.flagKey === undefined
      ? undefined
      : and(inArray(auditLog.resourceType, ['flag', 'flag-config']), eq(auditLog.resourceKey, query.flagKey)),
    query.segmentKey === undefined
      ? undefined
      : and(eq(auditLog.resourceType, 'segment'), eq(auditLog.resourceKey, query.segmentKey)),
    query.releaseKey === undefined
      ? undefined
      : and(eq(auditLog.resourceType, 'release'), eq(auditLog.resourceKey, query.releaseKey)),
    query.emergency === undefined ? undefined : eq(auditLog.emergency, query.emergency),
    query.environmentKey === undefined ? undefined : eq(auditLog.environmentKey, query.environmentKey),
    query.actor === undefined ? undefined : eq(auditLog.actor, query.actor),
    query.from === undefined ? undefined : gte(auditLog.at, query.from),
    query.to === undefined ? undefined : lte(auditLog.at, query.to),
    query.before === undefined ? undefined : lt(auditLog.id, query.before),
    query.visibleEnvironments === undefined
      ? undefined
      : or(isNull(auditLog.environmentKey), inArray(auditLog.environmentKey, [...query.visibleEnvironments])),
  ];
  return tx
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(query.limit);
}
