import type { AdminRole } from './features/keys/roles.js';

/** What every write carries besides its payload: who, why, and the version it expects to replace. */
export interface WriteContext {
  actor: string;
  /** The actor's role; absent when the server acts by itself (the scheduler). */
  role?: AdminRole;
  reason?: string;
  /** Absent: the write applies to whatever version is current (still serialized, never lost). */
  expectedVersion?: number;
  /**
   * Asked for: break the glass through a freeze or an approval. After the change gate: true only if the
   * write did go through one, and the audit entry says so.
   */
  emergency?: boolean;
  /** The write applies a change request this principal approved. */
  approvedBy?: string;
}
