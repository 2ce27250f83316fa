import type { EvaluationContext, JsonValue, SnapshotMessage } from '@unveil/core';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createClient, type UnveilClient } from '../src/index.js';
import { flag, snapshot } from './helpers.js';

const FLAGS = [
  flag('bool'),
  flag('text', {}, 'string'),
  flag('count', {}, 'number'),
  flag('settings', {}, 'json'),
  flag('targeted', {
    rules: [
      {
        id: 'nl',
        conditions: [{ attribute: 'country', operator: 'equals', values: ['NL'] }],
        serve: { variant: 'off' },
      },
    ],
  }),
  flag('cyclic', { prerequisites: [{ flag: 'cyclic', variants: ['on'] }] }),
];

function offlineClient(options: { context?: EvaluationContext; bootstrap?: boolean } = {}): UnveilClient {
  return createClient({
    url: 'http://unused.invalid',
    sdkKey: 'unv_cli_test',
    offline: true,
    cache: false,
    onError: () => {},
    ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.bootstrap === false ? {} : { bootstrap: snapshot(1, FLAGS) }),
  });
}

describe('evaluation API', () => {
  it('before any configuration: the default, with CLIENT_NOT_READY', async () => {
    const client = offlineClient({ bootstrap: false });
    expect(client.state).toBe('initializing');
    expect(client.isEnabled('bool')).toBe(false);
    expect(client.getValue('text', 'fallback')).toBe('fallback');
    expect(client.getDetail('settings', { a: 1 })).toEqual({
      value: { a: 1 },
      variant: undefined,
      reason: 'ERROR',
      ruleId: undefined,
      errorCode: 'CLIENT_NOT_READY',
    });
    expect(client.all()).toEqual({});
    expect(await client.ready({ timeoutMs: 1 })).toBe('initializing');
    await client.close();
  });

  it('dispatches on the type of the default', () => {
    const client = offlineClient();
    expect(client.getValue('bool', false)).toBe(true);
    expect(client.getValue('text', '')).toBe('blue');
    expect(client.getValue('count', 0)).toBe(2);
    expect(client.getValue('settings', {})).toEqual({ limit: 10 });
    expect(client.getValue('settings', null)).toEqual({ limit: 10 });
    expect(client.getValue('settings', [])).toEqual({ limit: 10 });
    // A default of another type than the flag's: TYPE_MISMATCH, the default.
    expect(client.getDetail('text', 0)).toMatchObject({
      value: 0,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(client.getDetail('bool', 'yes')).toMatchObject({ value: 'yes', errorCode: 'TYPE_MISMATCH' });
    expect(client.getDetail('count', {})).toMatchObject({ value: {}, errorCode: 'TYPE_MISMATCH' });
    expect(client.getDetail('missing', 5)).toMatchObject({ value: 5, errorCode: 'FLAG_NOT_FOUND' });
    expect(client.getDetail('cyclic', false)).toMatchObject({ value: false, errorCode: 'MALFORMED_FLAG' });
    expect(client.isEnabled('text')).toBe(false);
  });

  it('types the value by the default', () => {
    const client = offlineClient();
    expectTypeOf(client.getValue('bool', false)).toEqualTypeOf<boolean>();
    expectTypeOf(client.getValue('text', 'x')).toEqualTypeOf<string>();
    expectTypeOf(client.getValue('count', 1)).toEqualTypeOf<number>();
    expectTypeOf(client.getValue('settings', { limit: 1 })).toEqualTypeOf<{ limit: number }>();
    expectTypeOf(client.getDetail('text', 'x').value).toEqualTypeOf<string>();
  });

  it('uses the context given at creation, then the one set with setContext; an explicit one wins', () => {
    const client = offlineClient({ context: { key: 'u1', country: 'NL' } });
    expect(client.getDetail('targeted', true)).toMatchObject({
      value: false,
      reason: 'RULE_MATCH',
      ruleId: 'nl',
    });
    expect(client.isEnabled('targeted', { key: 'u1', country: 'DE' })).toBe(true);
    client.setContext({ key: 'u1', country: 'DE' });
    expect(client.isEnabled('targeted')).toBe(true);
    expect(client.context).toEqual({ key: 'u1', country: 'DE' });
  });

  it('all() gives every flag’s full result', () => {
    const all = offlineClient().all({ country: 'NL' });
    expect(Object.keys(all).sort()).toEqual(['bool', 'count', 'cyclic', 'settings', 'targeted', 'text']);
    expect(all.targeted).toMatchObject({ value: false, variant: 'off', reason: 'RULE_MATCH' });
    expect(all.cyclic).toMatchObject({ reason: 'ERROR', errorCode: 'MALFORMED_FLAG' });
  });

  it('a context whose attributes throw still gets an answer', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        getOwnPropertyDescriptor() {
          throw new Error('boom');
        },
        has() {
          throw new Error('boom');
        },
      },
    ) as EvaluationContext;
    const client = offlineClient();
    expect(() => client.getDetail('targeted', true, hostile)).not.toThrow();
    expect(() => client.all(hostile)).not.toThrow();
    expect(() => client.track('e', 1, hostile)).not.toThrow();
  });

  it('property: no evaluation call throws, whatever the key, default or context, ready or not', () => {
    const clients = [offlineClient(), offlineClient({ bootstrap: false })];
    const key = fc.oneof(
      fc.constantFrom('bool', 'text', 'count', 'settings', 'targeted', 'cyclic'),
      fc.string(),
      fc.anything(),
    );
    const fallback = fc.oneof(fc.jsonValue(), fc.constant(undefined));
    fc.assert(
      fc.property(key, fallback, fc.anything(), fc.boolean(), (flagKey, defaultValue, context, ready) => {
        const client = clients[ready ? 0 : 1]!;
        const k = flagKey as string;
        const c = context as EvaluationContext;
        const detail = client.getDetail(k, defaultValue as JsonValue, c);
        expect([
          'OFF',
          'TARGET_MATCH',
          'RULE_MATCH',
          'SPLIT',
          'FALLTHROUGH',
          'PREREQUISITE_FAILED',
          'DEFAULT',
          'ERROR',
        ]).toContain(detail.reason);
        if (detail.reason === 'ERROR') expect(detail.value).toBe(defaultValue);
        if (!ready) expect(detail.errorCode).toBe('CLIENT_NOT_READY');
        expect(typeof client.isEnabled(k, c)).toBe('boolean');
        client.getValue(k, defaultValue as JsonValue, c);
        client.all(c);
        client.track(k, defaultValue as number, c);
      }),
      { numRuns: 500 },
    );
  });
});

describe('readiness and state', () => {
  it('bootstrap makes the client ready at once', async () => {
    const client = offlineClient();
    expect(client.state).toBe('ready');
    expect(client.version).toBe(1);
    expect(await client.ready()).toBe('ready');
    expect(client.snapshot).toEqual(snapshot(1, FLAGS));
    await client.close();
    expect(client.state).toBe('closed');
    // Evaluation goes on working after close.
    expect(client.isEnabled('bool')).toBe(true);
  });

  it('ready() resolves (never rejects) on timeout, with the state then', async () => {
    const client = offlineClient({ bootstrap: false });
    await expect(client.ready({ timeoutMs: 5 })).resolves.toBe('initializing');
    await client.close();
  });

  it('refuses to create a client without url or key', () => {
    expect(() => createClient({} as never)).toThrow(TypeError);
  });

  it('reports argument errors to error listeners; unsubscribing stops them', () => {
    const client = offlineClient();
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    client.track('');
    expect(errors).toEqual(['UNVEIL_ERR_SDK_ARGUMENT']);
    const unsubscribe = client.on('error', () => errors.push('second'));
    unsubscribe();
    client.track('');
    expect(errors).toEqual(['UNVEIL_ERR_SDK_ARGUMENT', 'UNVEIL_ERR_SDK_ARGUMENT']);
  });
});

describe('change events', () => {
  /** A cache whose load resolves when the test says: the one way to feed a newer snapshot without network. */
  function deferredCache() {
    let resolve: (value: SnapshotMessage | undefined) => void = () => {};
    const loaded = new Promise<SnapshotMessage | undefined>((done) => {
      resolve = done;
    });
    const saved: SnapshotMessage[] = [];
    return {
      cache: { load: () => loaded, save: (value: SnapshotMessage) => void saved.push(value) },
      resolve,
      saved,
    };
  }

  it('emits change and onFlag only for the flags whose configuration changed, once per applied version', async () => {
    const { cache, resolve } = deferredCache();
    const client = createClient({
      url: 'http://unused.invalid',
      sdkKey: 'unv_cli_test',
      offline: true,
      bootstrap: snapshot(1, [flag('same'), flag('edited'), flag('removed')]),
      cache,
    });
    const changes: string[][] = [];
    const perFlag: string[] = [];
    client.on('change', (keys) => changes.push([...keys].sort()));
    client.onFlag('edited', (key) => perFlag.push(key));
    client.onFlag('same', (key) => perFlag.push(key));
    const stopRemoved = client.onFlag('removed', (key) => perFlag.push(key));
    stopRemoved();
    // A throwing listener is reported and does not stop the others.
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    client.on('change', () => {
      throw new Error('listener bug');
    });
    resolve(snapshot(2, [flag('same'), flag('edited', { enabled: false }), flag('added')]));
    await vi.waitFor(() => expect(client.version).toBe(2));
    expect(changes).toEqual([['added', 'edited', 'removed']]);
    expect(perFlag).toEqual(['edited']);
    expect(errors).toEqual(['UNVEIL_ERR_SDK_LISTENER']);
    expect(client.isEnabled('edited')).toBe(false);
    await client.close();
  });

  it('an older cached snapshot changes nothing', async () => {
    const { cache, resolve, saved } = deferredCache();
    const client = createClient({
      url: 'http://unused.invalid',
      sdkKey: 'unv_cli_test',
      offline: true,
      bootstrap: snapshot(5, [flag('a')]),
      cache,
    });
    const changes: string[][] = [];
    client.on('change', (keys) => changes.push(keys));
    resolve(snapshot(4, [flag('a', { enabled: false })]));
    await client.close();
    expect(client.version).toBe(5);
    expect(changes).toEqual([]);
    // The bootstrap was written to the cache once the cache had been read.
    expect(saved.map((value) => value.version)).toEqual([5]);
  });
});
