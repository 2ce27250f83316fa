/**
 * The React example (sdk-examples/react) in real Chromium, on Vite's dev server as its README runs it,
 * against a real Unveil server: it renders the demo's flags for a user, and an admin change flips a
 * rendered value without a reload.
 *
 * Needs Chromium at /usr/bin/chromium (`bash .ci/install-chromium`). Without it the test is skipped —
 * unless CI or UNVEIL_REQUIRE_SERVICES=1 is set, where it fails.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startExampleServer } from '../sdk-examples/react/example-server.js';
import { named, needChromium } from './support/chromium.js';
import { BANNER, CHECKOUT, SERVER_ONLY } from './support/example-flags.js';
import { useExampleInChromium } from './support/example-in-chromium.js';

const running = useExampleInChromium('react-example.test.ts', startExampleServer);

/** The value a flag's section of the example shows, or undefined while it has none. */
const shown = (page: Page, flag: string) =>
  page.evaluate(
    (key) => document.querySelector(`[data-flag="${key}"] [data-value]`)?.textContent ?? undefined,
    flag,
  );

describe('the React example in Chromium (sdk-examples/react)', () => {
  it(named('renders the flags and follows an admin change without a reload'), async (context) => {
    needChromium(context);
    const { server, seeded, example, browser } = running();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.text()} (${message.location().url})`);
    });
    try {
      await page.goto(`${example.url}?user=alice`);
      await expect.poll(() => shown(page, BANNER), { timeout: 15_000 }).toBe('#1d4ed8');
      expect(await shown(page, CHECKOUT)).toBe('false');
      // A server-only flag never reaches a client key: the page shows its default and says why.
      expect(await shown(page, SERVER_ONLY)).toBe('20');
      expect(await page.locator(`[data-flag="${SERVER_ONLY}"]`).textContent()).toContain('FLAG_NOT_FOUND');
      await expect.poll(() => page.locator('.status').getAttribute('data-state')).toBe('ready');

      // Mark this document: a reload would lose the mark.
      await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
      await server.admin.serve(seeded.environment, BANNER, 'green', 'blue');
      await expect.poll(() => shown(page, BANNER), { timeout: 10_000 }).toBe('#15803d');
      await server.admin.serve(seeded.environment, CHECKOUT, 'on', 'off');
      await expect.poll(() => shown(page, CHECKOUT), { timeout: 10_000 }).toBe('true');
      expect(await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
