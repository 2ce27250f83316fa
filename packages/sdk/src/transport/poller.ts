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

/**
 * Polls `GET /sdk/v1/config` every `intervalMs` while started: the fallback while the stream cannot be
 * opened, and the only source when streaming is off. Remembers the ETag so that an unchanged
 * configuration costs a 304. One request at a time; the next waits for the previous to finish.
 */
export class Poller {
  #etag: string | undefined;
  #timer: unknown;
  #running = false;
  /**
   * Bumped by `stop()`: a request still out when the poller is stopped (and maybe started again) must not
   * schedule the next one, or a stop/start during a request would leave two loops polling.
   */
  #loop = 0;

  constructor(private readonly options: PollerOptions) {}

  get running(): boolean {
    return this.#running;
  }

  /** Starts polling; the first poll right away or after one interval. */
  start(immediately: boolean): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(immediately ? 0 : this.options.intervalMs);
  }

  stop(): void {
    this.#running = false;
    this.#loop++;
    this.options.clock.clearTimeout(this.#timer);
  }

  /** One poll now, whether started or not. Never rejects. */
  async poll(): Promise<void> {
    let error: UnveilError | undefined;
    try {
      const response = await this.options.load(this.#etag);
      if (response !== 'not-modified') {
        this.#etag = response.etag;
        this.options.snapshot(response.snapshot);
      }
    } catch (cause) {
      error =
        cause instanceof UnveilError ? cause : new UnveilError('UNVEIL_ERR_SDK_POLL', undefined, { cause });
    }
    this.options.settled(error);
  }

  #schedule(ms: number): void {
    const loop = this.#loop;
    this.#timer = this.options.clock.setTimeout(async () => {
      if (loop !== this.#loop) return;
      await this.poll();
      if (loop === this.#loop) this.#schedule(this.options.intervalMs);
    }, ms);
  }
}
