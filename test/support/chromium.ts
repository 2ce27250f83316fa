/**
 * Chromium for the browser tests: at /usr/bin/chromium (`bash .ci/install-chromium`), launched headless
 * with the flags these machines need. Without it the tests are skipped and say why — unless CI or
 * UNVEIL_REQUIRE_SERVICES=1 is set, where they fail.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SKIPPED = `skipped: no Chromium at ${CHROMIUM}`;
export const haveChromium = existsSync(CHROMIUM);
const required = Boolean(process.env.CI) || process.env.UNVEIL_REQUIRE_SERVICES === '1';

/** Whether the file should set up at all; warns (once per file) when it skips. */
export function chromiumAvailable(file: string): boolean {
  if (!haveChromium && !required) console.warn(`${file}: ${SKIPPED} (run: sudo bash .ci/install-chromium)`);
  return haveChromium;
}

/** A test's name, or the reason it is skipped. */
export const named = (name: string): string => (haveChromium || required ? name : SKIPPED);

/** Skips the test without Chromium, or fails it where Chromium is required. */
export function needChromium(context: { skip(note?: string): void }): void {
  if (haveChromium) return;
  if (required) throw new Error(`${CHROMIUM} is missing and CI requires it: run .ci/install-chromium`);
  context.skip(SKIPPED);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
}
