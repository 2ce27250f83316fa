/**
 * Server-side rendering from a bootstrap snapshot (`GET /sdk/v1/config` of a real server), hydration of
 * that markup by a browser client created from the same snapshot, and live changes after it.
 */
// First: react-dom looks for a document when it loads.
import './support/dom-globals.js';
import { createClient, type FetchLike, type SnapshotMessage, type UnveilClient } from '@unveil/sdk';
import { useEffect } from 'react';
import { hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { UnveilProvider, useFlag, useFlagDetail, useUnveilStatus } from '../src/index.js';
import { consoleErrors, flagElement, shown } from './support/dom.js';
import { BANNER, BLUE, CHECKOUT, CHECKOUT_AND_BANNER, GREEN } from './support/flags.js';
import { type LiveEnvironment, startLiveServer } from './support/live-server.js';

const live = startLiveServer({
  ...CHECKOUT_AND_BANNER,
});

/** The page, as both sides render it; `onHydrated` runs once it is live in the browser. */
function Page({ client, user, onHydrated }: { client: UnveilClient; user: string; onHydrated?: () => void }) {
  return (
    <UnveilProvider client={client} context={{ key: user }}>
      <Checkout />
      <Banner />
      <Status />
      <Hydrated onHydrated={onHydrated} />
    </UnveilProvider>
  );
}

function Checkout() {
  const { value, variant, reason } = useFlagDetail(CHECKOUT, false);
  return <p data-flag={CHECKOUT}>{`${value} ${variant} ${reason}`}</p>;
}

function Banner() {
  return <p data-flag={BANNER}>{useFlag(BANNER, 'none')}</p>;
}

function Status() {
  return <p data-flag="status">{useUnveilStatus()}</p>;
}

function Hydrated({ onHydrated }: { onHydrated: (() => void) | undefined }) {
  useEffect(() => onHydrated?.(), [onHydrated]);
  return null;
}

const roots = new Set<Root>();
afterEach(() => {
  for (const root of roots) root.unmount();
  roots.clear();
});

/** Alice is a target of the checkout; the banner is green for everyone. */
async function configured(): Promise<LiveEnvironment> {
  const env = await live().environment();
  await env.configure(CHECKOUT, {
    enabled: true,
    offVariant: 'off',
    targets: [{ variant: 'on', keys: ['alice'] }],
    fallthrough: { variant: 'off' },
  });
  await env.serve(BANNER, 'green', 'blue');
  return env;
}

/** What a server does per request: a client from the snapshot, no network, rendered to a string. */
async function renderOnServer(env: LiveEnvironment, bootstrap: SnapshotMessage) {
  const requests: string[] = [];
  const fetch: FetchLike = async (url) => {
    requests.push(url);
    throw new Error('no network while rendering');
  };
  const client = createClient({
    url: live().url,
    sdkKey: env.clientKey,
    bootstrap,
    offline: true,
    cache: false,
    fetch,
  });
  // At once with a bootstrap; the README asks for it so that a snapshot whose operators the SDK loads
  // lazily is installed before rendering.
  await client.ready();
  const html = renderToString(<Page client={client} user="alice" />);
  return { html, requests, close: () => client.close() };
}

/** Server markup in the document, as the browser receives the page. */
function servedPage(html: string): HTMLElement {
  const container = document.createElement('div');
  container.innerHTML = html;
  document.body.append(container);
  return container;
}

/** Hydrates the markup in `container`; resolves once React has, with the mismatches it reported. */
async function hydrate(container: HTMLElement, client: UnveilClient): Promise<unknown[]> {
  const recoverable: unknown[] = [];
  const hydrated = new Promise<void>((resolve) => {
    roots.add(
      hydrateRoot(container, <Page client={client} user="alice" onHydrated={resolve} />, {
        onRecoverableError: (error) => recoverable.push(error),
      }),
    );
  });
  await hydrated;
  return recoverable;
}

describe('server-side rendering with a bootstrap', () => {
  it('renders the served values with no network, hydrates without a mismatch, then follows changes', async () => {
    const env = await configured();
    const bootstrap = await env.config();
    const server = await renderOnServer(env, bootstrap);
    await server.close();
    expect(server.requests).toEqual([]);

    const errors = consoleErrors();
    const page = servedPage(server.html);
    expect(shown(page, CHECKOUT)).toBe('true on TARGET_MATCH');
    expect(shown(page, BANNER)).toBe(GREEN);
    expect(shown(page, 'status')).toBe('ready');
    const serverNodes = [CHECKOUT, BANNER, 'status'].map((flag) => flagElement(page, flag));

    // The browser's client starts from the same snapshot (the page would embed it), and goes live.
    const browser = env.connect({ bootstrap });
    await browser.ready();
    expect(await hydrate(page, browser)).toEqual([]);
    expect(errors).toEqual([]);
    expect(page.innerHTML).toBe(server.html);
    // Hydration adopted the server's elements rather than replacing them.
    expect([CHECKOUT, BANNER, 'status'].map((flag) => flagElement(page, flag))).toEqual(serverNodes);

    const bannerNode = flagElement(page, BANNER);
    await env.serve(BANNER, 'blue');
    await expect.poll(() => shown(page, BANNER)).toBe(BLUE);
    expect(flagElement(page, BANNER)).toBe(bannerNode);
    expect(shown(page, CHECKOUT)).toBe('true on TARGET_MATCH');
    expect(errors).toEqual([]);
  });

  it('a browser client without the bootstrap would not match the markup: React reports it', async () => {
    const env = await configured();
    const server = await renderOnServer(env, await env.config());
    await server.close();
    consoleErrors();
    const browser = env.connect();
    expect(await hydrate(servedPage(server.html), browser)).not.toEqual([]);
    // Let its stream finish connecting: the in-process server's shutdown was seen to wait on a client
    // closed halfway through its handshake.
    await browser.ready();
  });
});
