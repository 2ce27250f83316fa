import { AsyncLocalStorage } from 'node:async_hooks';
import { UnveilError } from '../errors.js';

/**
 * How long a client request may wait on the database, all its transactions together. Without a bound, a
 * network partition (no reset, only silence) held admin writes until TCP gave up, minutes later, and the
 * client could not tell a slow database from a dead one. The bound lives in the request's async context
 * rather than in every call: background work (the release scheduler, snapshot reloads outside a request)
 * keeps waiting, since nobody is there to be told "later" and its claims make a retry safe anyway.
 */
const requestDeadline = new AsyncLocalStorage<{ timeoutMs: number; at: number }>();

/** Runs `work` (and everything it starts) with its database transactions due within `timeoutMs` from now. */
export function withRequestDeadline<T>(timeoutMs: number, work: () => T): T {
  return requestDeadline.run({ timeoutMs, at: performance.now() + timeoutMs }, work);
}

/** Runs `work` free of any request's deadline: for what a request sets off but does not wait for. */
export function outsideRequestDeadline<T>(work: () => T): T {
  return requestDeadline.exit(work);
}

/**
 * `transaction` as is outside a request; inside one, rejected with a 503 once the deadline passes. The
 * transaction itself cannot be called back (the database is not answering), so it goes on: if the
 * database answers later it commits or rolls back as a whole, its change announced like any other. The
 * client therefore hears "not confirmed", never "not done"; the problem says how to find out.
 */
export function boundedByRequestDeadline<T>(transaction: Promise<T>): Promise<T> {
  const deadline = requestDeadline.getStore();
  if (deadline === undefined) return transaction;
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UnveilError('UNVEIL_ERR_DATABASE_TIMEOUT', {
            detail:
              `the database did not answer within ${deadline.timeoutMs} ms; the change is not confirmed ` +
              'and may still apply when it answers: read the current version before retrying (a retry ' +
              'with If-Match cannot apply twice)',
          }),
        ),
      Math.max(0, deadline.at - performance.now()),
    );
  });
  // Once abandoned, its outcome has no one to go to; without a handler a late failure would crash the process.
  transaction.catch(() => {});
  return Promise.race([transaction, expiry]).finally(() => clearTimeout(timer));
}
