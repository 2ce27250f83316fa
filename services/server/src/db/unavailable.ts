/**
 * Whether an error means the database cannot be reached right now (as opposed to a bug or bad data):
 * the request should be retried later, so it answers 503, not 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (/PGlite is closed/i.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

/**
 * Network errors, postgres.js's connection states, and Postgres's "shutting down / starting up" states;
 * SQLSTATE class 08 (connection exception) is matched by prefix.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P02',
  '57P03',
]);
