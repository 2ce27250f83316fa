import { createHash } from 'node:crypto';
import { eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { auditLog } from '../../db/schema.js';

/** The fields an entry's hash covers, in this order (the id is left out: the links order the chain). */
export interface ChainedContent {
  at: Date;
  actor: string;
  action: string;
  resourceType: string;
  resourceKey: string;
  environmentKey: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  emergency: boolean;
}

/**
 * The entry as the hash sees it: JSON with object keys sorted at every depth, and values as they come back
 * from jsonb (Dates as ISO strings), so that hashing at insert and hashing what is read back agree.
 */
export function canonicalContent(entry: ChainedContent): string {
  const { at, actor, action, resourceType, resourceKey, environmentKey, before, after, reason, emergency } =
    entry;
  return JSON.stringify(
    sortKeys(
      asJson([
        at,
        actor,
        action,
        resourceType,
        resourceKey,
        environmentKey,
        before,
        after,
        reason,
        emergency,
      ]),
    ),
  );
}

/** SHA-256 (hex) of the previous hash and the content, joined by a newline: what Postgres computes at insert. */
export function chainHash(previousHash: string, content: string): string {
  return createHash('sha256').update(`${previousHash}\n${content}`).digest('hex');
}

/** The SQL that reads the chain's latest hash ('' if it has none yet), inside the appending transaction. */
export function latestHashSql(environmentKey: string | null) {
  // `=` and `is null` rather than `is not distinct from`, which no index serves: the latest entry is then
  // one step back along audit_log_environment_idx, however long the log.
  const inChain =
    environmentKey === null ? isNull(auditLog.environmentKey) : eq(auditLog.environmentKey, environmentKey);
  return sql`coalesce((select ${auditLog.hash} from ${auditLog} where ${inChain} and ${auditLog.hash} is not null order by ${auditLog.id} desc limit 1), '')`;
}

/**
 * Serializes appends to a chain: a transaction-scoped advisory lock per chain (the environment, or none),
 * held until commit, so the entry read as "latest" is still the latest when this one commits.
 */
export function lockChain(tx: Executor, environmentKey: string | null) {
  return tx.execute(
    sql`select pg_advisory_xact_lock(${CHAIN_LOCK_CLASS}, hashtext(${environmentKey ?? ''}))`,
  );
}

/** First key of the two-key advisory locks of audit chains (the second is the environment's hash). */
const CHAIN_LOCK_CLASS = 0x61756474;

function asJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
