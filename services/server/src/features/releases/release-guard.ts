import { bucket, type TrackedEvent } from '@unveil/core';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Clock } from '../../clock.js';
import type { Database, Executor } from '../../db/database.js';
import { releases } from '../../db/schema.js';
import { TtlCache } from '../../ttl-cache.js';
import { percentToWeight } from './realization.js';
import type { ReleaseGuard } from './release.js';
import { addGuardCounts, type GuardCount, type ReleaseRecord } from './releases-store.js';

/** Error rates of the two halves of a guarded release's cohort, and whether the guard trips. */
export interface GuardReading {
  exposed: { errors: number; total: number };
  unexposed: { errors: number; total: number };
  /** Exposed rate minus unexposed rate, in percentage points; null until both sides have `minTotal`. */
  increase: number | null;
  tripped: boolean;
}

export function readGuard(guard: ReleaseGuard, counts: readonly GuardCount[]): GuardReading {
  const side = (exposed: boolean) => {
    const count = (event: string) =>
      counts.find((row) => row.exposed === exposed && row.event === event)?.count ?? 0;
    return { errors: count(guard.errorEvent), total: count(guard.totalEvent) };
  };
  const exposed = side(true);
  const unexposed = side(false);
  const enough = exposed.total >= guard.minTotal && unexposed.total >= guard.minTotal;
  const increase = enough
    ? (100 * exposed.errors) / exposed.total - (100 * unexposed.errors) / unexposed.total
    : null;
  return { exposed, unexposed, increase, tripped: increase !== null && increase > guard.maxIncrease };
}

interface GuardedRelease {
  key: string;
  guard: ReleaseGuard;
  salt: string;
  weight: number;
}

/**
 * Splits the events SDKs track (with their context key) between the contexts a guarded release exposes
 * and those it does not: the same bucket the SDKs computed, from the key and the cohort salt, against the
 * current stage's percent. Counts are summed in memory and written by `flush` (the scheduler's tick).
 */
export class GuardCounter {
  readonly #pending = new Map<string, GuardCount>();
  /** Batches still being counted (their releases are loading), which a flush waits for. */
  readonly #counting = new Set<Promise<void>>();
  readonly #guarded: TtlCache<GuardedRelease[]>;

  constructor(
    private readonly db: Database,
    clock: Clock,
  ) {
    this.#guarded = new TtlCache(clock, 1_000);
  }

  record(environmentKey: string, tracked: readonly TrackedEvent[]): Promise<void> {
    if (tracked.length === 0) return Promise.resolve();
    const counting = this.count(environmentKey, tracked);
    this.#counting.add(counting);
    return counting.finally(() => this.#counting.delete(counting));
  }

  private async count(environmentKey: string, tracked: readonly TrackedEvent[]): Promise<void> {
    const guarded = await this.#guarded.get(environmentKey, () => this.loadGuarded(environmentKey));
    for (const release of guarded) {
      const { errorEvent, totalEvent } = release.guard;
      for (const { event, key } of tracked) {
        if (key === undefined || (event !== errorEvent && event !== totalEvent)) continue;
        const exposed = bucket(release.salt, key) < release.weight;
        const id = `${release.key}\u0000${exposed}\u0000${event}`;
        const row = this.#pending.get(id);
        if (row === undefined) this.#pending.set(id, { releaseKey: release.key, exposed, event, count: 1 });
        else row.count++;
      }
    }
  }

  /** Writes the pending counts; on failure they stay for the next flush. */
  async flush(): Promise<void> {
    await Promise.allSettled(this.#counting);
    if (this.#pending.size === 0) return;
    const rows = [...this.#pending.values()];
    this.#pending.clear();
    try {
      await this.db.transaction((tx) => addGuardCounts(tx, rows));
    } catch (error) {
      for (const row of rows) {
        const id = `${row.releaseKey}\u0000${row.exposed}\u0000${row.event}`;
        const pending = this.#pending.get(id);
        if (pending === undefined) this.#pending.set(id, row);
        else pending.count += row.count;
      }
      throw error;
    }
  }

  private async loadGuarded(environmentKey: string): Promise<GuardedRelease[]> {
    const rows = await this.db.transaction((tx) => listGuardedReleases(tx, environmentKey));
    return rows.map((release) => ({
      key: release.key,
      guard: release.definition.guard!,
      salt: release.definition.cohortSalt,
      weight: percentToWeight(release.definition.plan[release.stage]!.percent),
    }));
  }
}

/** Running releases with a guard, of one environment or of all. */
export function listGuardedReleases(tx: Executor, environmentKey?: string): Promise<ReleaseRecord[]> {
  return tx
    .select()
    .from(releases)
    .where(
      and(
        eq(releases.state, 'running'),
        isNotNull(sql`${releases.definition}->'guard'`),
        environmentKey === undefined ? undefined : eq(releases.environmentKey, environmentKey),
      ),
    );
}
