/**
 * The hooks against a real Unveil server (in this process, over real sockets): which components
 * re-render when an admin changes a flag, and that they update in place, never remounting.
 */
// First: react-dom looks for a document when it loads.
import './support/dom-globals.js';
import { createClient, type JsonValue, type UnveilClient } from '@unveil/sdk';
import { memo, StrictMode, useEffect, useReducer, useState } from 'react';
import { flushSync } from 'react-dom';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import {
  UnveilProvider,
  UnveilReactError,
  useFlag,
  useFlagDetail,
  useUnveilClient,
  useUnveilStatus,
} from '../src/index.js';
import { consoleErrors, flagElement, mount, shown } from './support/dom.js';
import { BANNER, BLUE, CHECKOUT, CHECKOUT_AND_BANNER, GREEN } from './support/flags.js';
import { startLiveServer } from './support/live-server.js';

const PRICING = 'pricing-rules';
const MISSING = 'no-such-flag';

const live = startLiveServer({
  ...CHECKOUT_AND_BANNER,
  [PRICING]: {
    type: 'json',
    clientSide: true,
    variants: [
      { key: 'standard', value: { discountPercent: 0 } },
      { key: 'sale', value: { discountPercent: 15 } },
    ],
  },
});

/** Render counts per component, and mounts (a remount would count twice). */
function counters() {
  const renders: Record<string, number> = {};
  const mounts: Record<string, number> = {};
  return {
    renders,
    mounts,
    rendered(name: string) {
      renders[name] = (renders[name] ?? 0) + 1;
    },
    mounted(name: string) {
      mounts[name] = (mounts[name] ?? 0) + 1;
    },
  };
}
type Counters = ReturnType<typeof counters>;

/** Shows one flag's value through `useFlag`, counting its renders. */
function FlagValue({ flag, fallback, count }: { flag: string; fallback: JsonValue; count: Counters }) {
  const value = useFlag(flag, fallback);
  count.rendered(flag);
  useEffect(() => count.mounted(flag), [count, flag]);
  return <span data-flag={flag}>{typeof value === 'string' ? value : JSON.stringify(value)}</span>;
}

/** Shows one flag's detail through `useFlagDetail`, counting its renders under `detail:<flag>`. */
function FlagDetail({ flag, fallback, count }: { flag: string; fallback: JsonValue; count: Counters }) {
  const { value, variant, reason, errorCode } = useFlagDetail(flag, fallback);
  count.rendered(`detail:${flag}`);
  return (
    <span data-flag={`detail:${flag}`}>{[JSON.stringify(value), variant, reason, errorCode].join(' ')}</span>
  );
}

function Status() {
  return <span data-flag="status">{useUnveilStatus()}</span>;
}

/** Re-renders only if its props or what it reads through the provider change. */
const MemoFlagValue = memo(FlagValue);

/** What a test does to a `Shell` from outside. */
interface ShellControls {
  signIn(user: string): void;
  rerender(): void;
}

/** An app whose user signs in, passing a new context object on every render as apps write it. */
function Shell({
  client,
  count,
  controls,
}: {
  client: UnveilClient;
  count: Counters;
  controls: ShellControls;
}) {
  const [user, setUser] = useState('carol');
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  controls.signIn = setUser;
  controls.rerender = rerender;
  return (
    <UnveilProvider client={client} context={{ key: user }}>
      <MemoFlagValue flag={CHECKOUT} fallback={false} count={count} />
    </UnveilProvider>
  );
}

/** Calls a hook outside any provider. */
function Orphan({ hook }: { hook: () => unknown }) {
  hook();
  return null;
}

describe('useFlag and useFlagDetail', () => {
  it('re-render a component when its own flag changes, and no other, updating it in place', async () => {
    const env = await live().environment();
    await env.serve(CHECKOUT, 'off');
    await env.serve(BANNER, 'blue');
    const client = env.connect({ context: { key: 'carol' } });
    expect(await client.ready()).toBe('ready');
    const errors = consoleErrors();
    const count = counters();
    const view = mount(
      <UnveilProvider client={client}>
        <FlagValue flag={CHECKOUT} fallback={false} count={count} />
        <FlagValue flag={BANNER} fallback="none" count={count} />
      </UnveilProvider>,
    );
    expect([shown(view, CHECKOUT), shown(view, BANNER)]).toEqual(['false', BLUE]);
    const checkoutNode = flagElement(view, CHECKOUT);
    const before = { ...count.renders };
    const evaluated = vi.spyOn(client, 'getDetail');

    await env.serve(BANNER, 'green', 'blue');
    await expect.poll(() => shown(view, BANNER)).toBe(GREEN);
    expect(count.renders[BANNER]).toBe(before[BANNER]! + 1);
    expect(count.renders[CHECKOUT]).toBe(before[CHECKOUT]);
    // Not even evaluated (nor an exposure counted): its hook was not told about the banner.
    expect(evaluated.mock.calls.map(([flag]) => flag)).toEqual([BANNER]);

    await env.serve(CHECKOUT, 'on', 'off');
    await expect.poll(() => shown(view, CHECKOUT)).toBe('true');
    expect(count.renders[CHECKOUT]).toBe(before[CHECKOUT]! + 1);
    expect(count.renders[BANNER]).toBe(before[BANNER]! + 1);

    expect(flagElement(view, CHECKOUT)).toBe(checkoutNode);
    expect(count.mounts).toEqual({ [CHECKOUT]: 1, [BANNER]: 1 });
    expect(client.version).toBe(await env.version());
    expect(errors).toEqual([]);
  });

  it('serve the defaults until the client is ready, then the served values; a missing flag says FLAG_NOT_FOUND', async () => {
    const env = await live().environment();
    await env.serve(BANNER, 'green', 'blue');
    const client = env.connect();
    const errors = consoleErrors();
    const count = counters();
    const view = mount(
      <UnveilProvider client={client}>
        <FlagValue flag={BANNER} fallback="none" count={count} />
        <FlagDetail flag={MISSING} fallback={7} count={count} />
      </UnveilProvider>,
    );
    // Rendered before the stream's snapshot can have arrived: nothing loaded yet.
    expect(shown(view, BANNER)).toBe('none');
    expect(shown(view, `detail:${MISSING}`)).toBe('7  ERROR CLIENT_NOT_READY');

    await expect.poll(() => shown(view, BANNER)).toBe(GREEN);
    // The missing flag never changes, so only the client's `ready` can tell it to look again.
    await expect.poll(() => shown(view, `detail:${MISSING}`)).toBe('7  ERROR FLAG_NOT_FOUND');
    expect(errors).toEqual([]);
  });

  it('useFlag ignores a change that serves an equal value; useFlagDetail shows the new reason', async () => {
    const env = await live().environment();
    await env.configure(PRICING, { enabled: true, offVariant: 'standard', fallthrough: { variant: 'sale' } });
    const client = env.connect({ context: { key: 'carol' } });
    await client.ready();
    const errors = consoleErrors();
    const count = counters();
    const view = mount(
      <UnveilProvider client={client}>
        <FlagValue flag={PRICING} fallback={{}} count={count} />
        <FlagDetail flag={PRICING} fallback={{}} count={count} />
      </UnveilProvider>,
    );
    expect(shown(view, PRICING)).toBe('{"discountPercent":15}');
    expect(shown(view, `detail:${PRICING}`)).toBe('{"discountPercent":15} sale FALLTHROUGH ');
    const before = { ...count.renders };

    // The same variant, now by target: a new configuration (a new value object), the same value.
    await env.configure(PRICING, {
      enabled: true,
      offVariant: 'standard',
      targets: [{ variant: 'sale', keys: ['carol'] }],
      fallthrough: { variant: 'standard' },
    });
    await expect
      .poll(() => shown(view, `detail:${PRICING}`))
      .toBe('{"discountPercent":15} sale TARGET_MATCH ');
    expect(count.renders[`detail:${PRICING}`]).toBe(before[`detail:${PRICING}`]! + 1);
    expect(count.renders[PRICING]).toBe(before[PRICING]);
    expect(errors).toEqual([]);
  });

  it('re-evaluate when the provider’s context changes (sign-in), not when an equal context is passed again', async () => {
    const env = await live().environment();
    await env.configure(CHECKOUT, {
      enabled: true,
      offVariant: 'off',
      targets: [{ variant: 'on', keys: ['alice'] }],
      fallthrough: { variant: 'off' },
    });
    const client = env.connect();
    await client.ready();
    const errors = consoleErrors();
    const count = counters();
    const controls: ShellControls = { signIn: () => {}, rerender: () => {} };
    const view = mount(<Shell client={client} count={count} controls={controls} />);
    expect(shown(view, CHECKOUT)).toBe('false');
    const node = flagElement(view, CHECKOUT);
    const before = count.renders[CHECKOUT];

    flushSync(() => controls.rerender());
    expect(count.renders[CHECKOUT]).toBe(before);

    flushSync(() => controls.signIn('alice'));
    expect(shown(view, CHECKOUT)).toBe('true');
    expect(count.renders[CHECKOUT]).toBe(before! + 1);
    expect(flagElement(view, CHECKOUT)).toBe(node);
    expect(count.mounts[CHECKOUT]).toBe(1);
    expect(errors).toEqual([]);
  });

  it('keep following changes under StrictMode, which mounts every effect twice', async () => {
    const env = await live().environment();
    await env.serve(BANNER, 'blue');
    const client = env.connect();
    await client.ready();
    const errors = consoleErrors();
    const count = counters();
    const view = mount(
      <StrictMode>
        <UnveilProvider client={client}>
          <FlagValue flag={BANNER} fallback="none" count={count} />
        </UnveilProvider>
      </StrictMode>,
    );
    expect(shown(view, BANNER)).toBe(BLUE);
    await env.serve(BANNER, 'green', 'blue');
    await expect.poll(() => shown(view, BANNER)).toBe(GREEN);
    await env.serve(BANNER, 'blue');
    await expect.poll(() => shown(view, BANNER)).toBe(BLUE);
    expect(errors).toEqual([]);
  });
});

describe('useUnveilStatus', () => {
  it('follows the client: ready from a bootstrap, stale once its server cannot be reached', async () => {
    const env = await live().environment();
    const bootstrap = await env.config();
    // Nothing listens on port 9 (discard) here: every connection is refused.
    const client = env.connect({ url: 'http://127.0.0.1:9', bootstrap, pollIntervalMs: 60_000 });
    client.on('error', () => {});
    const view = mount(
      <UnveilProvider client={client}>
        <Status />
      </UnveilProvider>,
    );
    expect(shown(view, 'status')).toBe('ready');
    await expect.poll(() => shown(view, 'status')).toBe('stale');
  });
});

describe('without a provider', () => {
  it('every hook throws UnveilReactError naming itself', () => {
    const hooks: [string, () => unknown][] = [
      ['useFlag', () => useFlag(CHECKOUT, false)],
      ['useFlagDetail', () => useFlagDetail(CHECKOUT, false)],
      ['useUnveilClient', () => useUnveilClient()],
      ['useUnveilStatus', () => useUnveilStatus()],
    ];
    for (const [name, hook] of hooks) {
      expect(() => renderToString(<Orphan hook={hook} />)).toThrow(
        expect.objectContaining({
          name: 'UnveilReactError',
          code: 'UNVEIL_ERR_REACT_NO_PROVIDER',
          message: expect.stringContaining(`${name}()`),
        }),
      );
    }
    expect(new UnveilReactError('UNVEIL_ERR_REACT_NO_PROVIDER')).toBeInstanceOf(Error);
  });
});

describe('nested providers', () => {
  it('evaluate one client for different contexts', () => {
    const client: UnveilClient = createClient({
      url: 'http://127.0.0.1:9',
      sdkKey: 'unv_cli_unused',
      offline: true,
      bootstrap: {
        type: 'snapshot',
        version: 1,
        segments: [],
        flags: [
          {
            key: CHECKOUT,
            type: 'boolean',
            enabled: true,
            offVariant: 'off',
            variants: [
              { key: 'on', value: true },
              { key: 'off', value: false },
            ],
            targets: [{ variant: 'on', keys: ['alice'] }],
            fallthrough: { variant: 'off' },
          },
        ],
      },
    });
    const count = counters();
    const html = renderToString(
      <UnveilProvider client={client} context={{ key: 'alice' }}>
        <FlagValue flag={CHECKOUT} fallback={false} count={count} />
        <UnveilProvider client={client} context={{ key: 'bob' }}>
          <FlagValue flag={CHECKOUT} fallback={false} count={count} />
        </UnveilProvider>
      </UnveilProvider>,
    );
    expect(html).toBe(`<span data-flag="${CHECKOUT}">true</span><span data-flag="${CHECKOUT}">false</span>`);
  });
});
