/** Reconnect delays: exponential backoff with full jitter (design.md §5). */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** 500 ms doubling up to 30 s. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/** The largest jitter for the given attempt (0-based): `min(cap, base · 2^attempt)`. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  // 2 ** 1100 is Infinity, which min() turns into the cap: no overflow to worry about.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
}

/**
 * Full jitter: a delay drawn uniformly from [0, ceiling), added to `minimumMs` (a server's goaway hint).
 * Full rather than partial jitter because what matters after an outage is spreading thousands of clients
 * over the whole window, not the delay any one of them sees.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  minimumMs = 0,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const unit = Math.min(Math.max(random(), 0), 1);
  return Math.max(0, minimumMs) + Math.floor(unit * backoffCeiling(attempt, policy));
}
