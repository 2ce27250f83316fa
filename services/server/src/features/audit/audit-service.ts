import type { Database } from '../../db/database.js';
import { type AuditEntry, type AuditQuery, queryAuditLog } from './audit-store.js';

export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: number | null;
}

export class AuditService {
  constructor(private readonly db: Database) {}

  /** Newest first. */
  async query(query: AuditQuery): Promise<AuditPage> {
    const rows = await this.db.transaction((tx) => queryAuditLog(tx, { ...query, limit: query.limit + 1 }));
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? items.at(-1)!.id : null };
  }
}
