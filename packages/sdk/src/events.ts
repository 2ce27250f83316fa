import type { EventsBatch, ExposureCount, TrackedEvent } from '@unveil/core';

/** Who is reporting: copied into every batch. */
export interface BatchHeader {
  sdk: { name: string; version: string };
  app?: { version?: string; build?: string };
}

/** Distinct flag × variant pairs counted per window: far above any real configuration, a guard only. */
export const MAX_EXPOSURE_PAIRS = 10_000;

/**
 * What the SDK observed since the last flush, in bounded memory: exposures are counts per flag and
 * variant (memory grows with the configuration, not with traffic), tracked events are kept one by one up
 * to `maxTracked`. What does not fit is dropped and counted, never blocking and never throwing: losing an
 * event is better than slowing the application that evaluates flags.
 */
export class EventBuffer {
  readonly #exposures = new Map<string, Map<string, number>>();
  #pairs = 0;
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

  /** Counts one evaluation that served `variant` of `flag`. */
  exposure(flag: string, variant: string, count = 1): void {
    const variants = this.#exposures.get(flag) ?? new Map<string, number>();
    const previous = variants.get(variant);
    if (previous === undefined) {
      if (this.#pairs >= this.maxPairs) {
        this.#dropped += count;
        return;
      }
      this.#pairs++;
      this.#exposures.set(flag, variants);
    }
    variants.set(variant, (previous ?? 0) + count);
  }

  track(event: TrackedEvent): void {
    if (this.#tracked.length >= this.maxTracked) this.#dropped++;
    else this.#tracked.push(event);
  }

  /** Nothing to send? */
  get empty(): boolean {
    return this.#pairs === 0 && this.#tracked.length === 0 && this.#dropped === 0;
  }

  /** Tracked events buffered. */
  get trackedCount(): number {
    return this.#tracked.length;
  }

  /** Takes everything as one batch covering [last take, now], and starts a new window. */
  take(header: BatchHeader, now: number): EventsBatch | undefined {
    if (this.empty) {
      this.#from = now;
      return undefined;
    }
    const exposures: ExposureCount[] = [];
    for (const [flag, variants] of this.#exposures)
      for (const [variant, count] of variants) exposures.push({ flag, variant, count });
    const batch: EventsBatch = {
      sdk: header.sdk,
      ...(header.app === undefined ? {} : { app: header.app }),
      from: this.#from,
      to: now,
      exposures,
      tracked: this.#tracked,
      ...(this.#dropped > 0 ? { dropped: this.#dropped } : {}),
    };
    this.#exposures.clear();
    this.#pairs = 0;
    this.#tracked = [];
    this.#dropped = 0;
    this.#from = now;
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
