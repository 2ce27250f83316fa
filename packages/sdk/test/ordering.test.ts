import type { Flag, PatchMessage, Snapshot } from '@unveil/core';
import { applyPatch } from '@unveil/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { order } from '../src/ordering.js';
import { flag, snapshot } from './helpers.js';

/** Orders messages as the client does: each against the last configuration it led to. */
class Orderer {
  snapshot: Snapshot | undefined;

  get version(): number | undefined {
    return this.snapshot?.version;
  }

  apply(message: Snapshot | PatchMessage) {
    const outcome = order(this.snapshot, message);
    if (outcome.kind === 'applied') this.snapshot = outcome.snapshot;
    return outcome;
  }

  has(flagKey: string): boolean {
    return this.snapshot?.flags.some((item) => item.key === flagKey) ?? false;
  }
}

function patch(
  previousVersion: number,
  version: number,
  flags: Flag[],
  removedFlags: string[] = [],
): PatchMessage {
  return { type: 'patch', previousVersion, version, flags, segments: [], removedFlags, removedSegments: [] };
}

/** Flags by key, so that states compare regardless of array order. */
function normal(state: Snapshot | undefined): unknown {
  if (state === undefined) return undefined;
  const { type: _type, ...rest } = state as Snapshot & { type?: string };
  return { ...rest, flags: [...rest.flags].sort((a, b) => a.key.localeCompare(b.key)) };
}

describe('patch ordering and gaps', () => {
  it('applies patches in order', () => {
    const state = new Orderer();
    expect(state.apply(snapshot(3, [flag('a')]))).toMatchObject({ kind: 'applied', version: 3 });
    expect(state.apply(patch(3, 4, [flag('b')]))).toMatchObject({ kind: 'applied', version: 4 });
    expect(state.apply(patch(4, 6, [], ['a']))).toMatchObject({ kind: 'applied', version: 6 });
    expect(state.version).toBe(6);
    expect(state.has('a')).toBe(false);
    expect(state.has('b')).toBe(true);
  });

  it('reports a gap for a patch that does not start at the current version, and for a patch before any snapshot', () => {
    const state = new Orderer();
    expect(state.apply(patch(1, 2, [flag('a')])).kind).toBe('gap');
    state.apply(snapshot(5, [flag('a')]));
    expect(state.apply(patch(6, 7, [flag('b')])).kind).toBe('gap');
    // Overlapping: starts before the current version but ends after it.
    expect(state.apply(patch(4, 7, [flag('b')])).kind).toBe('gap');
    expect(state.version).toBe(5);
  });

  it('ignores duplicates and older messages, never moving backwards', () => {
    const state = new Orderer();
    state.apply(snapshot(5, [flag('a')]));
    expect(state.apply(patch(4, 5, [flag('x')])).kind).toBe('current');
    expect(state.apply(patch(3, 4, [flag('x')])).kind).toBe('older');
    expect(state.apply(snapshot(2, [flag('old')])).kind).toBe('older');
    expect(state.apply(snapshot(5, [flag('a')])).kind).toBe('current');
    expect(state.has('x')).toBe(false);
    expect(state.has('old')).toBe(false);
    expect(state.version).toBe(5);
  });

  it('a newer snapshot replaces an older (cached or bootstrapped) one', () => {
    const state = new Orderer();
    state.apply(snapshot(2, [flag('cached')]));
    expect(state.apply(snapshot(9, [flag('fresh')]))).toMatchObject({ kind: 'applied', version: 9 });
    expect(state.has('cached')).toBe(false);
  });

  it('refuses messages that cannot be ordered', () => {
    const state = new Orderer();
    expect(state.apply({ version: -1, flags: [], segments: [] }).kind).toBe('invalid');
    expect(state.apply(null as unknown as Snapshot).kind).toBe('invalid');
    expect(state.apply({ version: 1.5, flags: [], segments: [] }).kind).toBe('invalid');
    state.apply(snapshot(1, []));
    expect(state.apply({ type: 'patch', version: 2 } as PatchMessage).kind).toBe('invalid');
    // Missing lists read as empty: ordering is what matters.
    expect(state.apply({ type: 'patch', version: 2, previousVersion: 1 } as PatchMessage).kind).toBe(
      'applied',
    );
  });

  /**
   * A valid chain: snapshot at v0, then patches v0→v1→…; each patch sets or removes a few flags from a
   * small pool. Any permutation with duplicates of its messages (older snapshots mixed in) must leave the
   * client exactly on the in-order state of the version it reports, after every message; when it is not
   * on the last version, a gap must have been reported, and resyncing (the server's snapshot) ends on the
   * last state.
   */
  it('property: any permutation or duplication of a valid sequence never leaves a state off the in-order path', () => {
    const keys = ['a', 'b', 'c', 'd'];
    const step = fc.record({
      gap: fc.integer({ min: 1, max: 3 }),
      set: fc.subarray(keys),
      remove: fc.subarray(keys),
      value: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (start, steps, order) => {
          const states: Snapshot[] = [snapshot(start, [flag('a')])];
          const messages: (PatchMessage | Snapshot)[] = [];
          for (const { gap, set, remove, value } of steps) {
            const previous = states.at(-1)!;
            const next = patch(
              previous.version,
              previous.version + gap,
              set.map((key) => flag(key, { enabled: value })),
              remove.filter((key) => !set.includes(key)),
            );
            messages.push(next);
            states.push(applyPatch(previous, next));
          }
          // Older snapshots (all but the last state) may also arrive, from a lagging server.
          for (const older of states.slice(0, -1)) messages.push({ ...older, type: 'snapshot' } as Snapshot);
          const byVersion = new Map(states.map((state) => [state.version, state]));
          const last = states.at(-1)!;

          const client = new Orderer();
          client.apply(states[0]!);
          let gap = false;
          const delivered =
            order.length === 0 ? messages : order.map((index) => messages[index % messages.length]!);
          for (const message of delivered) {
            const outcome = client.apply(message);
            if (outcome.kind === 'gap') gap = true;
            expect(outcome.kind).not.toBe('invalid');
            expect(normal(client.snapshot)).toEqual(normal(byVersion.get(client.version!)));
          }
          if (client.version !== last.version) {
            const missing = messages.filter((m) => 'previousVersion' in m && m.version > client.version!);
            // Either a gap was seen, or the patches that would move it on never arrived.
            expect(gap || missing.every((m) => !delivered.includes(m))).toBe(true);
            client.apply({ ...last, type: 'snapshot' } as Snapshot);
          }
          expect(normal(client.snapshot)).toEqual(normal(last));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: delivered in order, a sequence applies with no gap and ends on the last state', () => {
    fc.assert(
      fc.property(fc.array(fc.subarray(['a', 'b', 'c']), { minLength: 1, maxLength: 10 }), (sets) => {
        const client = new Orderer();
        let expected: Snapshot = snapshot(0, []);
        client.apply(expected);
        sets.forEach((keys, index) => {
          const next = patch(
            index,
            index + 1,
            keys.map((key) => flag(key, { offVariant: index % 2 ? 'on' : 'off' })),
          );
          expected = applyPatch(expected, next);
          expect(client.apply(next).kind).toBe('applied');
        });
        expect(normal(client.snapshot)).toEqual(normal(expected));
      }),
    );
  });
});
