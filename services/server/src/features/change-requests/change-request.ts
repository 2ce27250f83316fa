/** What a change request holds back until it is approved. */
export const CHANGE_REQUEST_KINDS = [
  'flag-config',
  'release-schedule',
  'release-stage',
  'release-audiences',
] as const;
export type ChangeRequestKind = (typeof CHANGE_REQUEST_KINDS)[number];

/**
 * pending → approved (waiting for `applyAt`) → applied; pending → rejected | expired; an approved change
 * that can no longer apply (its base version moved on, its release ended) → failed.
 */
export const CHANGE_REQUEST_STATES = [
  'pending',
  'approved',
  'rejected',
  'applied',
  'expired',
  'failed',
] as const;
export type ChangeRequestState = (typeof CHANGE_REQUEST_STATES)[number];

/** How long a change request waits for a decision before it expires. */
export const CHANGE_REQUEST_TTL_MS = 7 * 24 * 3_600_000;
