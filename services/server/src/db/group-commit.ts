import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, Executor } from './database.js';

interface Pending {
  readonly member: string;
  readonly work: (tx: Executor) => Promise<unknown>;
  /** Runs a function in the submitting request's async context (its database deadline). */
  readonly inContext: <R>(fn: () => R) => R;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Raised inside a batch when one of its writes failed: the batch is rolled back and each write redone alone. */
class BatchFailed extends Error {}

/**
 * Group commit for writes that each take the same lock (an environment's): instead of queueing on the lock
 * in Postgres, one transaction at a time per group, a transaction carrying every write that arrived while
 * the previous one ran. The writes of a batch run side by side in it, so their statements pipeline, and the
 * batch pays one BEGIN, one lock wait and one COMMIT (one WAL flush) for all of them.
 *
 * A batch holds at most one write per member (a flag): a second write to the same flag reads what the
 * first wrote, so it waits for the next batch. When any write of a batch fails — a conflict, a validation
 * error — the batch is rolled back and every one of its writes runs again alone, in its own transaction,
 * exactly as without batching: each caller gets the outcome it would have had. A batch that fails for
 * the database's reasons (a timeout, a failed commit) fails every write in it, which is what each would
 * have heard alone.
 */
export class GroupCommit {
  readonly #queues = new Map<string, Pending[]>();

  constructor(private readonly db: Database) {}

  run<T>(group: string, member: string, work: (tx: Executor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        member,
        work,
        inContext: AsyncLocalStorage.snapshot(),
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      const queue = this.#queues.get(group);
      if (queue !== undefined) {
        queue.push(pending);
        return;
      }
      this.#queues.set(group, [pending]);
      void this.#drain(group);
    });
  }

  async #drain(group: string): Promise<void> {
    const queue = this.#queues.get(group)!;
    while (queue.length > 0) {
      const batch = takeBatch(queue);
      if (batch.length === 1) await this.#alone(batch[0]!);
      else await this.#together(batch);
    }
    this.#queues.delete(group);
  }

  async #together(batch: Pending[]): Promise<void> {
    let values: unknown[];
    try {
      // Under its first writer's deadline, the earliest of the batch's: nobody waits past their own.
      values = await batch[0]!.inContext(() =>
        this.db.transaction(async (tx) => {
          const settled = await Promise.allSettled(batch.map((pending) => pending.work(tx)));
          if (settled.some((outcome) => outcome.status === 'rejected')) throw new BatchFailed();
          return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
        }),
      );
    } catch (error) {
      // Rolled back for certain (we threw): each write again, alone. Anything else (the database timed out
      // or failed at commit) leaves the outcome unknown, as it would for a single write: every one hears it.
      if (error instanceof BatchFailed) await Promise.all(batch.map((pending) => this.#alone(pending)));
      else for (const pending of batch) pending.reject(error);
      return;
    }
    for (const [i, pending] of batch.entries()) pending.resolve(values[i]);
  }

  #alone(pending: Pending): Promise<void> {
    return pending.inContext(() => this.db.transaction(pending.work)).then(pending.resolve, pending.reject);
  }
}

/** Takes from the queue the first write of each member, in order; later writes of a member stay queued. */
function takeBatch(queue: Pending[]): Pending[] {
  const members = new Set<string>();
  const batch: Pending[] = [];
  const rest: Pending[] = [];
  for (const pending of queue) {
    if (members.has(pending.member)) rest.push(pending);
    else {
      members.add(pending.member);
      batch.push(pending);
    }
  }
  queue.splice(0, queue.length, ...rest);
  return batch;
}
