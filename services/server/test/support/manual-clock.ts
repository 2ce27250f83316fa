import type { Clock } from '../../src/clock.js';

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  private current: Date;

  constructor(start = new Date('2026-01-05T09:00:00.000Z')) {
    this.current = start;
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to the first moment at or after now that `matches` (checked minute by minute, up to 8 days). */
  advanceUntil(matches: (at: Date) => boolean): Date {
    for (let minutes = 0; minutes <= 8 * 24 * 60; minutes++) {
      const candidate = new Date(Math.ceil(this.current.getTime() / 60_000) * 60_000 + minutes * 60_000);
      if (matches(candidate)) {
        this.current = candidate;
        return this.now();
      }
    }
    throw new Error('advanceUntil: no such moment within 8 days');
  }

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}
