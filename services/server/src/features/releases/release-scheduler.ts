import type { Clock } from '../../clock.js';
import type { Database, Executor } from '../../db/database.js';
import { UnveilError } from '../../errors.js';
import type { ChangeRequestsService } from '../change-requests/change-requests-service.js';
import { claimDueChangeRequests } from '../change-requests/change-requests-store.js';
import {
  bumpSnapshotVersions,
  lockEnvironments,
  tryLockEnvironment,
} from '../environments/environments-store.js';
import { listFreezes } from '../freezes/freezes-store.js';
import { audit } from './release-audit.js';
import { type GuardCounter, listGuardedReleases, readGuard } from './release-guard.js';
import type { ReleasesService } from './releases-service.js';
import {
  claimDueSteps,
  environmentsWithDueSteps,
  findRelease,
  listGuardCounts,
  type ReleaseRecord,
  type ReleaseStepRecord,
  updateRelease,
} from './releases-store.js';
import { failStep, runStep, SCHEDULER_ACTOR, type StepInput, type StepResult } from './step-runner.js';

export interface SchedulerOptions {
  /** Pause between ticks; a stage goes out at most this long after it is due. */
  intervalMs: number;
  /** Steps claimed per transaction. */
  batchSize: number;
  /** A step found due longer ago than this was missed (all instances down), not just reached. */
  catchUpToleranceMs: number;
}

export const DEFAULT_SCHEDULER: SchedulerOptions = {
  intervalMs: 250,
  batchSize: 100,
  catchUpToleranceMs: 60_000,
};

export type TickReport = Record<StepResult | 'changeRequests' | 'guardsTripped', number>;

/** `try`: skip an environment another transaction holds; `wait`: queue for its lock. */
type LockMode = 'try' | 'wait';

/** A step of a batch run together could not apply: the batch runs again one step at a time. */
class StepFailed extends Error {
  override readonly name = 'StepFailed';
}

/**
 * Waits for every promise (none may still be using the transaction when it rolls back); rejects with
 * StepFailed if a step could not apply, or with the first other error.
 */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failures = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
  const unexpected = failures.find((reason) => !(reason instanceof UnveilError));
  if (unexpected !== undefined) throw unexpected;
  if (failures.length > 0) throw new StepFailed('a step could not apply', { cause: failures[0] });
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

async function sequentially<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await run(item));
  return results;
}

/**
 * Runs in every instance. Each tick claims due steps environment by environment (SKIP LOCKED, so
 * instances share the work and none applies a step twice), processes change requests that expired or
 * whose time came, writes guard counts and trips guards.
 */
export class ReleaseScheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: {
      releases: ReleasesService;
      changeRequests: ChangeRequestsService;
      guards: GuardCounter;
    },
    private readonly options: SchedulerOptions,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One pass over everything due now; tests call it after moving their clock. */
  async tick(): Promise<TickReport> {
    const report: TickReport = {
      applied: 0,
      failed: 0,
      waiting: 0,
      'awaiting-approval': 0,
      skipped: 0,
      withdrawn: 0,
      changeRequests: 0,
      guardsTripped: 0,
    };
    const due = await this.db.transaction((tx) => environmentsWithDueSteps(tx, this.clock.now()));
    // First the environments nobody else is working on, then wait for the busy ones: a large batch in one
    // environment does not hold up every instance's steps in the others, and none is left out.
    const busy: string[] = [];
    for (const environmentKey of due) {
      if ((await this.drain(environmentKey, 'try', report)) === 'busy') busy.push(environmentKey);
    }
    for (const environmentKey of busy) await this.drain(environmentKey, 'wait', report);
    while ((await this.db.transaction((tx) => this.processChangeRequests(tx))) > 0) report.changeRequests++;
    await this.deps.guards.flush();
    report.guardsTripped = await this.checkGuards();
    return report;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.tick()
        .catch(this.onError)
        .finally(() => this.#schedule());
    }, this.options.intervalMs);
    this.#timer.unref();
  }

  /** Batches until nothing is due in the environment; 'busy' if `try` found it locked by someone else. */
  private async drain(environmentKey: string, lock: LockMode, report: TickReport): Promise<'done' | 'busy'> {
    for (;;) {
      const results = await this.runBatch(environmentKey, lock);
      if (results === 'busy') return 'busy';
      if (results.length === 0) return 'done';
      for (const result of results) report[result]++;
    }
  }

  /**
   * One transaction per batch: the environment's lock (skipped, with nothing done, when another instance
   * holds it: that one carries on), up to `batchSize` of its due steps, one version bump. The steps first
   * run together — their statements pipelined on the transaction's connection, a few round trips for the
   * whole batch instead of several per step. If one of them cannot apply, the batch is rolled back and run
   * again one step at a time, each in a savepoint, so that only that step's release pauses. Returns what
   * happened to each step (empty when nothing was due).
   */
  private async runBatch(environmentKey: string, lock: LockMode): Promise<StepResult[] | 'busy'> {
    try {
      return await this.db.transaction((tx) => this.runSteps(tx, environmentKey, lock, 'together'));
    } catch (error) {
      if (!(error instanceof StepFailed)) throw error;
      return this.db.transaction((tx) => this.runSteps(tx, environmentKey, lock, 'one-by-one'));
    }
  }

  private async runSteps(
    tx: Executor,
    environmentKey: string,
    lock: LockMode,
    mode: 'together' | 'one-by-one',
  ): Promise<StepResult[] | 'busy'> {
    const [locked, freezes] = await Promise.all([
      lock === 'try'
        ? tryLockEnvironment(tx, environmentKey)
        : lockEnvironments(tx, [environmentKey]).then(([row]) => row),
      listFreezes(tx, environmentKey),
    ]);
    if (locked === undefined) return 'busy';
    // Read after the lock, which may have been waited for: this is the time the steps are recorded as applied.
    const now = this.clock.now();
    const claimed = await claimDueSteps(tx, environmentKey, now, this.options.batchSize);
    const inputOf = (release: ReleaseRecord, step: ReleaseStepRecord): StepInput => ({
      release,
      step,
      freezes,
      now,
      catchUpToleranceMs: this.options.catchUpToleranceMs,
    });
    // A release with two due steps (its last stage and its withdrawal) runs them in order, the second
    // reading what the first wrote; different releases hold different flags and run side by side.
    const byRelease = new Map<string, typeof claimed>();
    for (const claim of claimed)
      byRelease.set(claim.release.key, [...(byRelease.get(claim.release.key) ?? []), claim]);
    const runRelease = async (claims: typeof claimed) => {
      const outcomes = [];
      for (const [index, claim] of claims.entries()) {
        const release =
          index === 0 ? claim.release : (await findRelease(tx, environmentKey, claim.release.key))!;
        const input = inputOf(release, claim.step);
        outcomes.push(mode === 'together' ? await runStep(tx, input) : await this.runAlone(tx, input));
      }
      return outcomes;
    };
    const outcomes =
      mode === 'together'
        ? await settleAll([...byRelease.values()].map(runRelease))
        : await sequentially([...byRelease.values()], runRelease);
    const flat = outcomes.flat();
    if (flat.some((outcome) => outcome.changed)) await bumpSnapshotVersions(tx, [environmentKey]);
    return flat.map((outcome) => outcome.result);
  }

  /** A step in a savepoint: one that cannot apply pauses its release and leaves the batch going. */
  private async runAlone(tx: Executor, input: StepInput): Promise<{ result: StepResult; changed: boolean }> {
    try {
      return await tx.transaction((step) => runStep(step, input));
    } catch (error) {
      if (!(error instanceof UnveilError)) throw error;
      await failStep(tx, input.release, input.step, error, input.now);
      return { result: 'failed', changed: false };
    }
  }

  private async processChangeRequests(tx: Executor): Promise<number> {
    const due = await claimDueChangeRequests(tx, this.clock.now(), 1);
    for (const request of due) await this.deps.changeRequests.processDue(tx, request);
    return due.length;
  }

  /**
   * Reads every running guarded release's counts; a tripped guard pauses or rolls back its release in a
   * transaction of its own that takes the environment lock before the release's, like every writer.
   */
  private async checkGuards(): Promise<number> {
    const readings = await this.db.transaction(async (tx) => {
      const guarded = await listGuardedReleases(tx);
      return Promise.all(
        guarded.map(async (release) => ({
          release,
          reading: readGuard(release.definition.guard!, await listGuardCounts(tx, release.key)),
        })),
      );
    });
    let tripped = 0;
    for (const { release, reading } of readings) {
      if (!reading.tripped) continue;
      const acted = await this.db.transaction((tx) => this.trip(tx, release, reading.increase!));
      if (acted) tripped++;
    }
    return tripped;
  }

  private async trip(tx: Executor, seen: ReleaseRecord, increase: number): Promise<boolean> {
    await lockEnvironments(tx, [seen.environmentKey]);
    const release = await findRelease(tx, seen.environmentKey, seen.key, 'update');
    // Another instance may have acted first.
    if (release === undefined || release.state !== 'running') return false;
    const guard = release.definition.guard!;
    const why =
      `guard tripped: ${guard.errorEvent}/${guard.totalEvent} is ${increase.toFixed(2)} points higher ` +
      `for exposed contexts (limit ${guard.maxIncrease}); action: ${guard.action}`;
    const context = { actor: SCHEDULER_ACTOR, reason: why };
    const now = this.clock.now();
    const updated =
      guard.action === 'rollback'
        ? await this.deps.releases.rollbackLocked(tx, release, context, now, why)
        : await updateRelease(tx, release.key, { state: 'paused', stateReason: why, updatedAt: now });
    await audit(tx, context, now, 'release.guard-tripped', updated, release, updated);
    return true;
  }
}
