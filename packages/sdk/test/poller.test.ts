import { describe, expect, it } from 'vitest';
import type { ConfigResponse } from '../src/transport/http.js';
import { createPoller } from '../src/transport/poller.js';
import { ManualClock, settle } from './helpers.js';

/** A poller whose requests stay pending until the test answers them. */
function pollerWithPendingRequests() {
  const clock = new ManualClock();
  const pending: ((response: ConfigResponse) => void)[] = [];
  const poller = createPoller({
    clock,
    intervalMs: 1_000,
    load: () => new Promise<ConfigResponse>((resolve) => pending.push(resolve)),
    snapshot: () => {},
    settled: () => {},
  });
  return { clock, pending, poller };
}

describe('poller', () => {
  it('polls once per interval while started, one request at a time', async () => {
    const { clock, pending, poller } = pollerWithPendingRequests();
    poller.start(true);
    clock.advance(0);
    expect(pending).toHaveLength(1);
    clock.advance(5_000); // the request is still out: no second one
    expect(pending).toHaveLength(1);
    pending[0]!('not-modified');
    await settle();
    clock.advance(1_000);
    expect(pending).toHaveLength(2);
    poller.stop();
  });

  it('stopped and started again while a request is out, keeps one loop (not two)', async () => {
    const { clock, pending, poller } = pollerWithPendingRequests();
    poller.start(true);
    clock.advance(0);
    expect(pending).toHaveLength(1);
    // The stream came back, then went again, before that request returned.
    poller.stop();
    poller.start(false);
    pending[0]!('not-modified');
    await settle();
    clock.advance(1_000);
    expect(pending).toHaveLength(2);
    pending[1]!('not-modified');
    await settle();
    clock.advance(1_000);
    // One request per interval: two loops would have sent two by now.
    expect(pending).toHaveLength(3);
    expect(clock.pending).toBe(0);
    poller.stop();
  });
});
