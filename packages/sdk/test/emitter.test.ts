import { describe, expect, it } from 'vitest';
import { createEmitter } from '../src/emitter.js';

describe('emitter', () => {
  it('delivers to every listener in order, isolates a throwing one, and unsubscribes', () => {
    const thrown: [unknown, string][] = [];
    const emitter = createEmitter<{ change: [string[]]; ready: [] }>((error, name) =>
      thrown.push([error, name]),
    );
    const seen: string[] = [];
    const first = emitter.on('change', (keys) => seen.push(`1:${keys.join()}`));
    emitter.on('change', () => {
      throw new Error('bad listener');
    });
    emitter.on('change', (keys) => seen.push(`3:${keys.join()}`));
    emitter.emit('change', ['a', 'b']);
    expect(seen).toEqual(['1:a,b', '3:a,b']);
    expect(thrown.map(([, name]) => name)).toEqual(['change']);
    first();
    first();
    emitter.emit('change', ['c']);
    expect(seen).toEqual(['1:a,b', '3:a,b', '3:c']);
    expect(emitter.has('ready')).toBe(false);
  });

  it('the same function subscribed twice is two subscriptions', () => {
    const emitter = createEmitter<{ ready: [] }>(() => {});
    let calls = 0;
    const listener = () => calls++;
    const off = emitter.on('ready', listener);
    emitter.on('ready', listener);
    emitter.emit('ready');
    off();
    emitter.emit('ready');
    expect(calls).toBe(3);
  });
});
