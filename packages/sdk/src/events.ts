import type { EventsBatch, ExposureCount, TrackedEvent } from '@unveil/core';

/** Who is reporting: copied into every batch. */
export interface BatchHeader {
  sdk: { name: string; version: string };
  app?: { version?: string; build?: string };
}

/** Counts evaluations of one flag and variant in one compiled configuration; see `EventBuffer.served`. */
export type ExposureCounter = ExposureCount;

/** Distinct flag × variant pairs counted per window: far above any real configuration, a guard only. */
export const MAX_EXPOSURE_PAIRS = 10_000;

/**
 * What the SDK observed since the last flush, in bounded memory: exposures are counts per flag and
 * variant (memory grows with the configuration, not with traffic), tracked events are kept one by one up
 * to `maxTracked`. What does not fit is dropped and counted, never blocking and never throwing: losing an
 * event is better than slowing the application that evaluates flags.
 */
export class EventBuffer {
  /** flag → variant → its count in this window (counters' counts are added in at take). */
  readonly #pairs = new Map<string, Map<string, ExposureCount>>();
  /** Counters that counted in this window. */
  #counting: ExposureCounter[] = [];
  #pairCount = 0;
  #tracked: TrackedEvent[] = [];
  #dropped = 0;
  #from: number;

  constructor(
    private readonly maxTracked: number,
    now: number,
    private readonly maxPairs = MAX_EXPOSURE_PAIRS,
  ) {
    this.#from = now;
  }

  /** A counter for one flag and variant, to pass to `served` (attached to results: see RESULT_TAG). */
  counter(flag: string, variant: string): ExposureCounter {
    return { flag, variant, count: 0 };
  }

  /**
   * Counts one evaluation that served the counter's flag and variant. On the hot path of every
   * evaluation, so it is one increment, except the first time in a window.
   */
  served(counter: ExposureCounter): void {
    if (counter.count++ > 0) return;
    if (this.exposure(counter.flag, counter.variant, 0) === undefined) {
      counter.count = 0;
      this.#dropped++;
    } else this.#counting.push(counter);
  }

  /** Counts `count` evaluations that served `variant` of `flag`; the pair's count, unless dropped. */
  exposure(flag: string, variant: string, count = 1): ExposureCount | undefined {
    const variants = this.#pairs.get(flag) ?? new Map<string, ExposureCount>();
    let pair = variants.get(variant);
    if (pair === undefined) {
      if (this.#pairCount >= this.maxPairs) {
        this.#dropped += count;
        return undefined;
      }
      this.#pairCount++;
      this.#pairs.set(flag, variants);
      pair = { flag, variant, count: 0 };
      variants.set(variant, pair);
    }
    pair.count += count;
    return pair;
  }

  track(event: TrackedEvent): void {
    if (this.#tracked.length >= this.maxTracked) this.#dropped++;
    else this.#tracked.push(event);
  }

  /** Tracked events buffered. */
  get trackedCount(): number {
    return this.#tracked.length;
  }

  /** Takes everything as one batch covering [last take, now], and starts a new window. */
  take(header: BatchHeader, now: number): EventsBatch | undefined {
    const from = this.#from;
    this.#from = now;
    if (this.#pairCount === 0 && this.#tracked.length === 0 && this.#dropped === 0) return undefined;
    for (const counter of this.#counting) {
      this.exposure(counter.flag, counter.variant, counter.count);
      counter.count = 0;
    }
    const exposures: ExposureCount[] = [];
    for (const variants of this.#pairs.values()) exposures.push(...variants.values());
    const batch: EventsBatch = {
      ...header,
      from,
      to: now,
      exposures,
      tracked: this.#tracked,
      ...(this.#dropped > 0 ? { dropped: this.#dropped } : {}),
    };
    this.#pairs.clear();
    this.#counting = [];
    this.#pairCount = 0;
    this.#tracked = [];
    this.#dropped = 0;
    return batch;
  }

  /**
   * Puts back a batch that could not be sent, within the same bounds: counts merge, tracked events keep
   * the most recent `maxTracked` (the overflow is counted as dropped), the window reaches back to the
   * batch's start.
   */
  restore(batch: EventsBatch): void {
    this.#from = Math.min(this.#from, batch.from);
    this.#dropped += batch.dropped ?? 0;
    for (const { flag, variant, count } of batch.exposures) this.exposure(flag, variant, count);
    const merged = [...batch.tracked, ...this.#tracked];
    const overflow = Math.max(0, merged.length - this.maxTracked);
    this.#dropped += overflow;
    this.#tracked = merged.slice(overflow);
  }
}
