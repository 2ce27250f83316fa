import type { Segment } from '@unveil/core';
import { describe, expect, it } from 'vitest';
import { changedFlags } from '../src/changes.js';
import { order } from '../src/ordering.js';
import { flag, snapshot } from './helpers.js';

const segment = (key: string, included: string[]): Segment => ({ key, included });
const inSegment = (segmentKey: string) =>
  flag(`uses-${segmentKey}`, {
    rules: [
      {
        id: 'r',
        conditions: [{ attribute: 'key', operator: 'inSegment', values: [segmentKey] }],
        serve: { variant: 'off' },
      },
    ],
  });

describe('change detection', () => {
  it('reports every flag on the first configuration', () => {
    expect(changedFlags(undefined, snapshot(1, [flag('a'), flag('b')])).sort()).toEqual(['a', 'b']);
  });

  it('reports only the flags whose configuration changed, including added and removed ones', () => {
    const before = snapshot(1, [flag('same'), flag('edited'), flag('removed')]);
    const after = snapshot(2, [flag('same'), flag('edited', { enabled: false }), flag('added')]);
    expect(changedFlags(before, after).sort()).toEqual(['added', 'edited', 'removed']);
  });

  it('ignores key order and the per-flag version counter', () => {
    const original = flag('a', { version: 1 });
    const reordered = Object.fromEntries(
      Object.entries({ ...original, version: 7 }).reverse(),
    ) as unknown as typeof original;
    expect(changedFlags(snapshot(1, [original]), snapshot(2, [reordered]))).toEqual([]);
  });

  it('reports the flags that use a changed segment, and their dependents through prerequisites', () => {
    const dependent = flag('dependent', { prerequisites: [{ flag: 'uses-beta', variants: ['on'] }] });
    const chained = flag('chained', { prerequisites: [{ flag: 'dependent', variants: ['on'] }] });
    const before = snapshot(
      1,
      [inSegment('beta'), inSegment('other'), dependent, chained, flag('unrelated')],
      [segment('beta', ['u1']), segment('other', [])],
    );
    const after = { ...before, version: 2, segments: [segment('beta', ['u1', 'u2']), segment('other', [])] };
    expect(changedFlags(before, after).sort()).toEqual(['chained', 'dependent', 'uses-beta']);
  });

  it('treats a new key-hash salt as a change of every flag', () => {
    const before = { ...snapshot(1, [flag('a'), flag('b')]), keyHashSalt: 's1' };
    expect(changedFlags(before, { ...before, version: 2, keyHashSalt: 's2' }).sort()).toEqual(['a', 'b']);
  });

  it('a patch reports only what it changed, not every flag it carries unchanged', () => {
    const outcome = order(snapshot(1, [flag('a'), flag('b'), flag('c')]), {
      type: 'patch',
      previousVersion: 1,
      version: 2,
      flags: [flag('a'), flag('b', { fallthrough: { variant: 'off' } })],
      segments: [],
      removedFlags: ['c'],
      removedSegments: [],
    });
    expect(outcome.kind === 'applied' && outcome.changed.sort()).toEqual(['b', 'c']);
  });

  it('tolerates malformed items without throwing', () => {
    const broken = {
      version: 2,
      flags: [null, { key: 5 }, { key: 'x', rules: 'nope', prerequisites: {} }],
      segments: [7],
    };
    expect(() => changedFlags(snapshot(1, [flag('x')]), broken as never)).not.toThrow();
  });
});
