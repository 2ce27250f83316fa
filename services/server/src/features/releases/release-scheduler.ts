import type { Clock } from '../../clock.js';
import type { Database, Executor } from '../../db/database.js';
import { UnveilError } from '../../errors.js';
import type { ChangeRequestsService } from '../change-requests/change-requests-service.js';
import { claimDueChangeRequests } from '../change-requests/change-requests-store.js';
import { bumpSnapshotVersions, lockEnvironments } from '../environments/environments-store.js';
import { listFreezes } from '../freezes/freezes-store.js';
import { type GuardCounter, listGuardedReleases, readGuard } from './release-guard.js';
import { audit, type ReleasesService } from './releases-service.js';
import {
  claimDueSteps,
  environmentsWithDueSteps,
  findRelease,
  listGuardCounts,
  type ReleaseRecord,
  updateRelease,
} from './releases-store.js';
import { failStep, runStep, SCHEDULER_ACTOR, type StepResult } from './step-runner.js';

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
      waiting: 0,
      'awaiting-approval': 0,
      skipped: 0,
      withdrawn: 0,
      changeRequests: 0,
      guardsTripped: 0,
    };
    const due = await this.db.transaction((tx) => environmentsWithDueSteps(tx, this.clock.now()));
    for (const environmentKey of due) {
      while ((await this.db.transaction((tx) => this.runBatch(tx, environmentKey, report))) > 0);
    }
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

  /** One transaction: the environment's lock, a batch of its due steps, one version bump. */
  private async runBatch(tx: Executor, environmentKey: string, report: TickReport): Promise<number> {
    const now = this.clock.now();
    const [, freezes] = await Promise.all([
      lockEnvironments(tx, [environmentKey]),
      listFreezes(tx, environmentKey),
    ]);
    const claimed = await claimDueSteps(tx, environmentKey, now, this.options.batchSize);
    const touched = new Set<string>();
    let changed = false;
    for (const claim of claimed) {
      // A release with two due steps (its last stage and its withdrawal) reads what the first one wrote.
      const release = touched.has(claim.release.key)
        ? (await findRelease(tx, environmentKey, claim.release.key))!
        : claim.release;
      touched.add(release.key);
      const input = {
        release,
        step: claim.step,
        freezes,
        now,
        catchUpToleranceMs: this.options.catchUpToleranceMs,
      };
      try {
        // A savepoint per step: one that cannot apply pauses its release and leaves the batch going.
        const outcome = await tx.transaction((step) => runStep(step, input));
        report[outcome.result]++;
        changed ||= outcome.changed;
      } catch (error) {
        if (!(error instanceof UnveilError)) throw error;
        await failStep(tx, release, claim.step, error, now);
      }
    }
    if (changed) await bumpSnapshotVersions(tx, [environmentKey]);
    return claimed.length;
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
