import type { Clock } from '../../clock.js';
import { found } from '../../concurrency.js';
import type { Database, Executor } from '../../db/database.js';
import { UnveilError } from '../../errors.js';
import type { WriteContext } from '../../write-context.js';
import { appendAuditEntry } from '../audit/audit-store.js';
import { requireEnvironment } from '../environments/environments-store.js';
import { frozenUntil } from '../freezes/freeze-policy.js';
import { listFreezes } from '../freezes/freezes-store.js';
import {
  type ChangeRequestQuery,
  type ChangeRequestRecord,
  findChangeRequest,
  listChangeRequests,
  updateChangeRequest,
} from './change-requests-store.js';

/** Applies an approved change of one kind, inside the approval's transaction. */
export type ChangeApplier = (
  tx: Executor,
  request: ChangeRequestRecord,
  context: WriteContext,
) => Promise<unknown>;

/** What happens when a change request is decided: pluggable per kind, so this module knows no feature. */
export interface ChangeHandlers {
  apply: Record<ChangeRequestRecord['kind'], ChangeApplier>;
  /** Told when a request is rejected or expires (a release stage waiting for it pauses). */
  dropped?: (tx: Executor, request: ChangeRequestRecord, why: string) => Promise<void>;
}

export interface ChangeRequestPage {
  items: ChangeRequestRecord[];
  nextCursor: number | null;
}

/**
 * Four eyes: pending changes wait for a principal other than their author to approve them (or reject
 * them). An approved change applies at once, or at its `applyAt`, or — if a freeze is on — once the
 * environment thaws.
 */
export class ChangeRequestsService {
  #handlers: ChangeHandlers | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Wired after construction: the appliers are services that are built alongside this one. */
  setHandlers(handlers: ChangeHandlers): void {
    this.#handlers = handlers;
  }

  list(environmentKey: string, query: ChangeRequestQuery): Promise<ChangeRequestPage> {
    return this.db.transaction(async (tx) => {
      await requireEnvironment(tx, environmentKey);
      const rows = await listChangeRequests(tx, environmentKey, { ...query, limit: query.limit + 1 });
      const items = rows.slice(0, query.limit);
      return { items, nextCursor: rows.length > query.limit ? items.at(-1)!.id : null };
    });
  }

  get(environmentKey: string, id: number): Promise<ChangeRequestRecord> {
    return this.db.transaction((tx) => requireRequest(tx, environmentKey, id));
  }

  approve(environmentKey: string, id: number, context: WriteContext): Promise<ChangeRequestRecord> {
    return this.db.transaction(async (tx) => {
      const request = await requirePending(tx, environmentKey, id);
      if (request.author === context.actor) {
        throw new UnveilError('UNVEIL_ERR_CHANGE_SELF_APPROVAL', {
          detail: `${context.actor} proposed change request ${id} and cannot approve it`,
        });
      }
      const at = this.clock.now();
      const approved = await decide(tx, request, 'approved', context, at);
      if (approved.applyAt !== null && approved.applyAt > at) return approved;
      return this.applyLocked(tx, approved, at);
    });
  }

  reject(environmentKey: string, id: number, context: WriteContext): Promise<ChangeRequestRecord> {
    return this.db.transaction(async (tx) => {
      const request = await requirePending(tx, environmentKey, id);
      const at = this.clock.now();
      const rejected = await decide(tx, request, 'rejected', context, at);
      await this.#handlers?.dropped?.(tx, rejected, `rejected by ${context.actor}`);
      return rejected;
    });
  }

  /** The scheduler's part: expire what waited too long, apply what was approved for later. */
  async processDue(tx: Executor, request: ChangeRequestRecord): Promise<void> {
    const at = this.clock.now();
    if (request.state === 'approved') {
      await this.applyLocked(tx, request, at);
      return;
    }
    const expired = await updateChangeRequest(tx, request.id, { state: 'expired', updatedAt: at });
    await audit(tx, { actor: 'unveil-scheduler' }, at, 'change-request.expire', request, expired);
    await this.#handlers?.dropped?.(tx, expired, 'its approval expired');
  }

  /**
   * Applies an approved request as its author's change, approved by the decider. A freeze defers it to
   * the thaw; a change that can no longer apply (its base version moved on, its target is gone) fails
   * with the reason recorded, and the approval itself stands.
   */
  private async applyLocked(
    tx: Executor,
    request: ChangeRequestRecord,
    at: Date,
  ): Promise<ChangeRequestRecord> {
    const handlers = this.#handlers;
    if (handlers === undefined) throw new Error('change request handlers are not wired');
    const context: WriteContext = {
      actor: request.author,
      approvedBy: request.decidedBy!,
      ...(request.reason === null ? {} : { reason: request.reason }),
    };
    try {
      // A savepoint: a change that fails leaves the request's own update standing.
      await tx.transaction((savepoint) => handlers.apply[request.kind](savepoint, request, context));
    } catch (error) {
      if (!(error instanceof UnveilError)) throw error;
      if (error.code === 'UNVEIL_ERR_ENV_FROZEN') {
        const thaw = frozenUntil(await listFreezes(tx, request.environmentKey), at);
        const applyAt = thaw instanceof Date ? thaw : new Date(at.getTime() + 3_600_000);
        return updateChangeRequest(tx, request.id, { applyAt, updatedAt: at });
      }
      const failed = await updateChangeRequest(tx, request.id, {
        state: 'failed',
        failure: error.detail ?? error.title,
        updatedAt: at,
      });
      await audit(
        tx,
        { actor: 'unveil-scheduler', reason: failed.failure! },
        at,
        'change-request.fail',
        request,
        failed,
      );
      return failed;
    }
    const applied = await updateChangeRequest(tx, request.id, { state: 'applied', updatedAt: at });
    await audit(tx, context, at, 'change-request.apply', request, applied);
    return applied;
  }
}

async function requireRequest(
  tx: Executor,
  environmentKey: string,
  id: number,
  lock?: 'update',
): Promise<ChangeRequestRecord> {
  await requireEnvironment(tx, environmentKey);
  const request = await findChangeRequest(tx, environmentKey, id, lock);
  return found(request, 'UNVEIL_ERR_CHANGE_NOT_FOUND', `change request ${id} in ${environmentKey}`);
}

async function requirePending(
  tx: Executor,
  environmentKey: string,
  id: number,
): Promise<ChangeRequestRecord> {
  const request = await requireRequest(tx, environmentKey, id, 'update');
  if (request.state !== 'pending') {
    throw new UnveilError('UNVEIL_ERR_CHANGE_DECIDED', {
      detail: `change request ${id} is ${request.state}`,
      extensions: { state: request.state },
    });
  }
  return request;
}

/** Records the decision on the request and in the audit log. */
async function decide(
  tx: Executor,
  request: ChangeRequestRecord,
  state: 'approved' | 'rejected',
  context: WriteContext,
  at: Date,
): Promise<ChangeRequestRecord> {
  const decided = await updateChangeRequest(tx, request.id, {
    state,
    decidedBy: context.actor,
    decidedAt: at,
    decisionReason: context.reason ?? null,
    updatedAt: at,
  });
  const action = state === 'approved' ? 'change-request.approve' : 'change-request.reject';
  await audit(tx, context, at, action, request, decided);
  return decided;
}

function audit(
  tx: Executor,
  context: WriteContext,
  at: Date,
  action: string,
  before: ChangeRequestRecord,
  after: ChangeRequestRecord,
): Promise<void> {
  return appendAuditEntry(tx, context, {
    at,
    action,
    resourceType: 'change-request',
    resourceKey: String(after.id),
    environmentKey: after.environmentKey,
    before,
    after,
  });
}
