import type { SnapshotMessage } from '@unveil/core';
import type { Clock } from '../clock.js';
import { UnveilError } from '../errors.js';
import type { ConfigResponse } from './http.js';

/** What the poller needs: how to fetch, how often, and whom to tell. */
export interface PollerOptions {
  clock: Clock;
  intervalMs: number;
  /** One conditional `GET /sdk/v1/config` (see `fetchConfig`). */
  load(etag: string | undefined): Promise<ConfigResponse>;
  snapshot(snapshot: SnapshotMessage): void;
  /** After each poll: no error means the configuration is current (a 200 or a 304). */
  settled(error: UnveilError | undefined): void;
}

export interface Poller {
  /** Starts polling (if stopped); the first poll right away or after one interval. */
  start(immediately: boolean): void;
  stop(): void;
}

/**
 * Polls `GET /sdk/v1/config` every `intervalMs` while started: the fallback while the stream cannot be
 * opened, and the only source when streaming is off. Remembers the ETag so that an unchanged
 * configuration costs a 304. One request at a time; the next waits for the previous to finish.
 */
export function createPoller({ clock, intervalMs, load, snapshot, settled }: PollerOptions): Poller {
  let etag: string | undefined;
  let timer: unknown;
  let running = false;
  // Bumped by stop(): a request still out when the poller is stopped (and maybe started again) must not
  // schedule the next one, or a stop/start during a request would leave two loops polling.
  let loop = 0;
  const schedule = (ms: number) => {
    const current = loop;
    timer = clock.setTimeout(async () => {
      if (current !== loop) return;
      let error: UnveilError | undefined;
      try {
        const response = await load(etag);
        if (response !== 'not-modified') {
          etag = response.etag;
          snapshot(response.snapshot);
        }
      } catch (cause) {
        error =
          cause instanceof UnveilError ? cause : new UnveilError('UNVEIL_ERR_SDK_POLL', undefined, { cause });
      }
      settled(error);
      if (current === loop) schedule(intervalMs);
    }, ms);
  };
  return {
    start(immediately) {
      if (running) return;
      running = true;
      schedule(immediately ? 0 : intervalMs);
    },
    stop() {
      running = false;
      loop++;
      clock.clearTimeout(timer);
    },
  };
}
