/**
 * The SDK's browser build in real Chromium, through the example page (sdk-examples/browser) and a real
 * server: streaming with the client key in `?key=` through the page's origin, following admin changes
 * without a reload; and polling the server directly, cross-origin (CORS, ETag), posting events there.
 *
 * Needs Chromium at /usr/bin/chromium (`bash .ci/install-chromium`). Without it the test is skipped —
 * unless CI or UNVEIL_REQUIRE_SERVICES=1 is set, where it fails.
 */
import type { Page, WebSocket as PageSocket } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startExampleServer } from '../sdk-examples/browser/server.js';
import { named, needChromium } from './support/chromium.js';
import { BANNER, CHECKOUT, SERVER_ONLY } from './support/example-flags.js';
import { useExampleInChromium } from './support/example-in-chromium.js';

const running = useExampleInChromium('sdk-browser.test.ts', startExampleServer);

/** The rendered value of a flag's row on the example page, or undefined while it has none. */
const shown = (page: Page, flag: string) =>
  page.evaluate(
    (key) => document.querySelector(`tr[data-flag="${key}"] td.value`)?.textContent ?? undefined,
    flag,
  );

describe('the browser SDK in Chromium (sdk-examples/browser)', () => {
  it(named(
    'streams a flag through the page’s origin and follows an admin change without a reload',
  ), async (context) => {
    needChromium(context);
    const { server, seeded, example, browser } = running();
    const page = await browser.newPage();
    const sockets: PageSocket[] = [];
    page.on('websocket', (socket) => sockets.push(socket));
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.text()} (${message.location().url})`);
    });
    try {
      await page.goto(`${example.url}?user=alice`);
      await expect.poll(() => shown(page, BANNER), { timeout: 10_000 }).toBe('#1d4ed8');
      // Only client-side flags reach a client key; a server-only flag is not on the page.
      expect(await shown(page, SERVER_ONLY)).toBeUndefined();
      expect(await shown(page, CHECKOUT)).toBe('false');
      const status = await page.locator('#status').getAttribute('data-state');
      expect(status).toBe('ready');
      // The stream carries the client key in the query string (browsers cannot send headers on it).
      expect(sockets.map((socket) => new URL(socket.url()).pathname)).toEqual(['/sdk/v1/stream']);
      expect(new URL(sockets[0]!.url()).searchParams.get('key')).toBe(seeded.clientKey);

      // Mark this document: a reload would lose the mark.
      await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
      const before = await server.admin.snapshotVersion(seeded.environment);
      await server.admin.serve(seeded.environment, BANNER, 'green', 'blue');
      await server.admin.serve(seeded.environment, CHECKOUT, 'on', 'off');
      await expect.poll(() => shown(page, BANNER), { timeout: 10_000 }).toBe('#15803d');
      await expect.poll(() => shown(page, CHECKOUT), { timeout: 10_000 }).toBe('true');
      expect(await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      expect(await page.locator('#status').getAttribute('data-version')).toBe(String(before + 2));
      expect(sockets).toHaveLength(1);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it(named(
    'polls the Unveil server cross-origin (CORS, ETag → 304) and sends events there',
  ), async (context) => {
    needChromium(context);
    const { server, seeded, example, browser } = running();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.text()} (${message.location().url})`);
    });
    const unveil = new URL(server.url).origin;
    const calls: string[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin === unveil)
        calls.push(`${response.request().method()} ${url.pathname} ${response.status()}`);
    });
    page.on('websocket', (socket) => calls.push(`websocket ${socket.url()}`));
    try {
      await server.admin.serve(seeded.environment, BANNER, 'blue', 'blue');
      // The page's origin is the example server's; the Unveil server is another port: another origin.
      await page.goto(`${example.url}?user=bob&poll=250&server=${encodeURIComponent(unveil)}`);
      await expect.poll(() => shown(page, BANNER), { timeout: 10_000 }).toBe('#1d4ed8');
      await server.admin.serve(seeded.environment, BANNER, 'green', 'blue');
      await expect.poll(() => shown(page, BANNER), { timeout: 10_000 }).toBe('#15803d');
      // The ETag crossed the origin boundary (exposed), so later polls were conditional and cheap.
      await expect
        .poll(() => calls.filter((call) => call === 'GET /sdk/v1/config 304').length)
        .toBeGreaterThan(0);
      expect(calls.filter((call) => call.startsWith('websocket'))).toEqual([]);

      // Events go cross-origin too (a POST with a JSON body and the key in a header: preflighted).
      await page.evaluate(async () => {
        const client = (
          window as unknown as { unveil: { track(event: string): void; flush(): Promise<void> } }
        ).unveil;
        client.track('banner-seen');
        await client.flush();
      });
      await expect
        .poll(() => calls.filter((call) => call.startsWith('POST /sdk/v1/events')))
        .toEqual(['POST /sdk/v1/events 202']);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
