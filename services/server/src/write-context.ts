/** What every write carries besides its payload: who, why, and the version it expects to replace. */
export interface WriteContext {
  actor: string;
  reason?: string;
  /** Absent: the write applies to whatever version is current (still serialized, never lost). */
  expectedVersion?: number;
}
