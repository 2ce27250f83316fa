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

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}
