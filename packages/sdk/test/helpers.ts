import type { Flag, FlagType, JsonValue, Segment, SnapshotMessage } from '@unveil/core';
import type { Clock } from '../src/clock.js';

/** A clock whose time moves only when told to; timers fire in due order. */
export class ManualClock implements Clock {
  #now: number;
  #next = 0;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.#next;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#timers]
        .filter(([, timer]) => timer.at <= until)
        .sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].callback();
    }
    this.#now = until;
  }
}

const VALUES: Record<FlagType, [JsonValue, JsonValue]> = {
  boolean: [true, false],
  string: ['blue', 'grey'],
  number: [2, 1],
  json: [{ limit: 10 }, null],
};

/** A two-variant flag (`on`, `off`) of the given type, serving `on` unless overridden. */
export function flag(key: string, overrides: Partial<Flag> = {}, type: FlagType = 'boolean'): Flag {
  const [on, off] = VALUES[type];
  return {
    key,
    type,
    enabled: true,
    offVariant: 'off',
    variants: [
      { key: 'on', value: on },
      { key: 'off', value: off },
    ],
    fallthrough: { variant: 'on' },
    ...overrides,
  };
}

/** A snapshot message at `version`. */
export function snapshot(version: number, flags: Flag[], segments: Segment[] = []): SnapshotMessage {
  return { type: 'snapshot', version, flags, segments };
}

/** Lets pending promise callbacks run (cache loads, fetches). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
