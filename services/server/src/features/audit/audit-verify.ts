import { asc, gt } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { auditLog } from '../../db/schema.js';
import { canonicalContent, chainHash } from './audit-chain.js';

export interface ChainProblem {
  id: number;
  chain: string;
  problem: string;
}

export interface ChainReport {
  /** Entries checked against their chain. */
  verified: number;
  /** Entries written before the chain existed (migration 0004), not covered. */
  unchained: number;
  /** Each chain's latest hash: record it elsewhere, and a truncated tail shows as a different head. */
  heads: Record<string, string>;
  problems: ChainProblem[];
}

const PAGE = 1_000;
const chainName = (environmentKey: string | null) => environmentKey ?? '(no environment)';

/**
 * Walks the audit log in id order and checks every chain: each entry must link to the previous entry's
 * hash and hash to what its content says. An edited entry fails its own hash; a removed or reordered one
 * breaks the next link. Removing the newest entries leaves a valid but shorter chain: compare the heads.
 */
export async function verifyAuditChains(tx: Executor): Promise<ChainReport> {
  const report: ChainReport = { verified: 0, unchained: 0, heads: {}, problems: [] };
  const latest = new Map<string, string>();
  let after = 0;
  for (;;) {
    const rows = await tx
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, after))
      .orderBy(asc(auditLog.id))
      .limit(PAGE);
    for (const row of rows) {
      const chain = chainName(row.environmentKey);
      const previous = latest.get(chain);
      if (row.hash === null) {
        if (previous === undefined) report.unchained++;
        else report.problems.push({ id: row.id, chain, problem: 'hash missing in the middle of the chain' });
        continue;
      }
      report.verified++;
      if (row.prevHash !== (previous ?? '')) {
        report.problems.push({
          id: row.id,
          chain,
          problem: 'does not link to the entry before it (one was removed or reordered)',
        });
      }
      if (chainHash(row.prevHash ?? '', canonicalContent(row)) !== row.hash) {
        report.problems.push({
          id: row.id,
          chain,
          problem: 'content does not match its hash (the entry was altered)',
        });
      }
      latest.set(chain, row.hash);
    }
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.id;
  }
  report.heads = Object.fromEntries(latest);
  return report;
}
