/**
 * Operator families beyond the basic ones (regex, semver, dates) load the first time a snapshot uses
 * them. These tests pin what that must never change: no evaluation sees a half-compiled configuration,
 * versions install in order, and each is acknowledged only once it is in use.
 */
import type { Flag, Operator } from '@unveil/core';
import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../src/index.js';
import type { WebSocketLike } from '../src/transport/socket.js';
import { flag, snapshot } from './helpers.js';

/** A flag serving `off` to contexts whose `attribute` passes `operator` with `value`, `on` otherwise. */
const ruled = (key: string, attribute: string, operator: Operator, value: string): Flag =>
  flag(key, {
    rules: [{ id: 'r', conditions: [{ attribute, operator, values: [value] }], serve: { variant: 'off' } }],
  });

const offline = {
  url: 'http://unused.invalid',
  sdkKey: 'unv_cli_test',
  offline: true,
  cache: false,
} as const;

describe('operator families loaded on demand', () => {
  it('a bootstrap that uses one is ready once it is loaded, and never serves a half-compiled configuration', async () => {
    const flags = [flag('plain'), ruled('by-email', 'email', 'matches', '@example\\.com$')];
    const client = createClient({ ...offline, bootstrap: snapshot(1, flags) });
    expect(client.state).toBe('initializing');
    expect(client.getDetail('plain', false)).toMatchObject({ value: false, errorCode: 'CLIENT_NOT_READY' });
    expect(await client.ready()).toBe('ready');
    expect(client.isEnabled('by-email', { email: 'ann@example.com' })).toBe(false);
    expect(client.isEnabled('by-email', { email: 'ann@example.org' })).toBe(true);
    // Loaded once for the page: the next client that needs it is ready at once.
    const next = createClient({ ...offline, bootstrap: snapshot(1, flags) });
    expect(next.state).toBe('ready');
    await Promise.all([client.close(), next.close()]);
  });

  it('evaluates with the family once loaded', async () => {
    const client = createClient({
      ...offline,
      bootstrap: snapshot(1, [ruled('by-date', 'signup', 'before', '2026-01-01')]),
    });
    await client.ready();
    expect(client.isEnabled('by-date', { signup: '2025-12-31' })).toBe(false);
    expect(client.isEnabled('by-date', { signup: '2026-01-02T00:00:00Z' })).toBe(true);
    await client.close();
  });

  it('loads every family a flag needs, also one its compiler meets only after loading another', async () => {
    // Compiling stops at rule 1's date operator; only once it is loaded does the compiler reach rule 2,
    // whose segment needs the regex operators.
    const flags = [
      flag('layered', {
        rules: [
          {
            id: 'old-accounts',
            conditions: [{ attribute: 'signup', operator: 'before', values: ['2020-01-01'] }],
            serve: { variant: 'off' },
          },
          {
            id: 'staff',
            conditions: [{ attribute: 'key', operator: 'inSegment', values: ['staff'] }],
            serve: { variant: 'off' },
          },
        ],
      }),
    ];
    const segments = [
      {
        key: 'staff',
        rules: [
          {
            id: 'email',
            conditions: [{ attribute: 'email', operator: 'matches' as const, values: ['@corp\\.example$'] }],
          },
        ],
      },
    ];
    // A fresh module registry: no family loaded yet, whatever the tests before this one loaded.
    vi.resetModules();
    const fresh = (await import('../src/index.js')).createClient;
    const client = fresh({ ...offline, bootstrap: snapshot(1, flags, segments) });
    await client.ready();
    expect(client.getDetail('layered', true, { email: 'eve@corp.example' })).toMatchObject({
      value: false,
      ruleId: 'staff',
    });
    expect(client.getDetail('layered', true, { email: 'eve@example.org' })).toMatchObject({
      value: true,
      reason: 'FALLTHROUGH',
    });
    await client.close();
  });

  it('streamed versions install in order and are acknowledged once in use, however long a family takes', async () => {
    const sockets: FakeSocket[] = [];
    const client = createClient({
      url: 'https://flags.example.com',
      sdkKey: 'unv_cli_test',
      cache: false,
      fetch: async () => ({ status: 304, headers: { get: () => null }, text: async () => '' }),
      WebSocket: class extends FakeSocket {
        constructor() {
          super();
          sockets.push(this);
        }
      } as never,
    });
    const changes: string[][] = [];
    client.on('change', (keys) => changes.push([...keys].sort()));
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const socket = sockets[0]!;
    socket.onopen?.({});
    const versioned = ruled('by-version', 'version', 'semverLt', '2.0.0');
    socket.receive(snapshot(1, [flag('plain'), versioned]));
    socket.receive({
      type: 'patch',
      previousVersion: 1,
      version: 2,
      flags: [flag('plain', { enabled: false })],
      segments: [],
      removedFlags: ['by-version'],
      removedSegments: [],
    });
    // The semver operators are still loading: nothing is installed, nothing acknowledged — not even
    // version 2, which needs no semver operator but must not overtake version 1.
    expect(client.version).toBeUndefined();
    expect(socket.acks()).toEqual([]);
    await vi.waitFor(() => expect(client.version).toBe(2));
    expect(socket.acks()).toEqual([1, 2]);
    expect(changes).toEqual([
      ['by-version', 'plain'],
      ['by-version', 'plain'],
    ]);
    expect(client.isEnabled('plain')).toBe(false);
    await client.close();
  });
});

/** A socket the test drives: frames in with `receive`; what the client sent, parsed, in `sent`. */
class FakeSocket implements WebSocketLike {
  readyState = 1;
  sent: { type: string; version?: number }[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  acks(): (number | undefined)[] {
    return this.sent.filter((frame) => frame.type === 'ack').map((frame) => frame.version);
  }
}
