import type { EventsBatch, TrackedEvent } from '@unveil/core';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import {
  addTracked,
  addUsage,
  lastEvaluatedHour,
  listUsage,
  type TrackedRow,
  type UsageRow,
} from './usage-store.js';

const HOUR_MS = 3_600_000;

export type TrackedListener = (environment: string, tracked: readonly TrackedEvent[]) => void;

export interface FlagUsage {
  environment: string;
  flag: string;
  lastEvaluatedHour: string | null;
  total: number;
  byVariant: { variant: string; count: number }[];
  hourly: { hour: string; variant: string; count: number }[];
}

/**
 * Collects what SDKs report in memory and writes it every `flushMs` in one transaction: thousands of SDKs
 * flushing every few seconds must cost the database a handful of upserts, not one per batch. Counts not
 * yet written are lost if the process dies — usage statistics, not audit data — and flushed on close.
 */
export class UsageService {
  readonly #usage = new Map<string, UsageRow>();
  readonly #tracked = new Map<string, TrackedRow>();
  readonly #trackedListeners: TrackedListener[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    /** Told when a periodic flush fails; the counts are kept and written by the next one. */
    private readonly onFlushError: (error: unknown) => void = () => {},
    private readonly flushMs = 5_000,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.flush().catch(this.onFlushError), this.flushMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  /** Also hands every batch's tracked events to `listener` (release guards count them per cohort). */
  onTracked(listener: TrackedListener): void {
    this.#trackedListeners.push(listener);
  }

  /** Adds a batch; `knownFlags` filters out keys the environment does not have (no garbage rows). */
  record(environment: string, batch: EventsBatch, knownFlags: ReadonlySet<string>): void {
    const hour = new Date(Math.floor(this.clock.now().getTime() / HOUR_MS) * HOUR_MS);
    for (const { flag, variant, count } of batch.exposures) {
      if (!knownFlags.has(flag) || count <= 0) continue;
      add(
        this.#usage,
        usageKey,
        { environmentKey: environment, flagKey: flag, variant, hour, count },
        USAGE_SUMS,
      );
    }
    for (const { event, value } of batch.tracked) {
      const measured =
        value === undefined ? { valueCount: 0, valueSum: 0 } : { valueCount: 1, valueSum: value };
      add(
        this.#tracked,
        trackedKey,
        { environmentKey: environment, event, hour, count: 1, ...measured },
        TRACKED_SUMS,
      );
    }
    for (const listener of this.#trackedListeners) listener(environment, batch.tracked);
  }

  /** Writes what has been collected; on failure keeps it for the next attempt. */
  async flush(): Promise<void> {
    if (this.#usage.size === 0 && this.#tracked.size === 0) return;
    const usage = [...this.#usage.values()];
    const tracked = [...this.#tracked.values()];
    this.#usage.clear();
    this.#tracked.clear();
    try {
      await this.db.transaction(async (tx) => {
        await addUsage(tx, usage);
        await addTracked(tx, tracked);
      });
    } catch (error) {
      for (const row of usage) add(this.#usage, usageKey, row, USAGE_SUMS);
      for (const row of tracked) add(this.#tracked, trackedKey, row, TRACKED_SUMS);
      throw error;
    }
  }

  async flagUsage(environment: string, flag: string, hours: number): Promise<FlagUsage> {
    const since = new Date(this.clock.now().getTime() - hours * HOUR_MS);
    const [rows, last] = await this.db.transaction((tx) =>
      Promise.all([listUsage(tx, environment, flag, since), lastEvaluatedHour(tx, environment, flag)]),
    );
    const byVariant = new Map<string, number>();
    for (const row of rows) byVariant.set(row.variant, (byVariant.get(row.variant) ?? 0) + row.count);
    return {
      environment,
      flag,
      lastEvaluatedHour: last?.toISOString() ?? null,
      total: rows.reduce((sum, row) => sum + row.count, 0),
      byVariant: [...byVariant].map(([variant, count]) => ({ variant, count })),
      hourly: rows.map((row) => ({ hour: row.hour.toISOString(), variant: row.variant, count: row.count })),
    };
  }
}

const USAGE_SUMS = ['count'] as const;
const TRACKED_SUMS = ['count', 'valueCount', 'valueSum'] as const;
const usageKey = (row: UsageRow) =>
  JSON.stringify([row.environmentKey, row.flagKey, row.variant, row.hour.getTime()]);
const trackedKey = (row: TrackedRow) => JSON.stringify([row.environmentKey, row.event, row.hour.getTime()]);

/** Adds `row` into the pending row with the same key, summing the listed fields. */
function add<T>(into: Map<string, T>, keyOf: (row: T) => string, row: T, sums: readonly (keyof T)[]): void {
  const key = keyOf(row);
  const pending = into.get(key);
  if (pending === undefined) {
    into.set(key, { ...row });
    return;
  }
  const sum = pending as Record<keyof T, number>;
  for (const field of sums) sum[field] += row[field] as number;
}
