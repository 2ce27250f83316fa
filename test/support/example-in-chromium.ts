import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Seeded } from './admin-api.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { seedExampleFlags } from './example-flags.js';
import { startServer, type UnveilServer } from './unveil-server.js';

/** An example app's own server: it serves the page and proxies `/sdk/*` to Unveil. */
export interface RunningExample {
  url: string;
  close(): Promise<void>;
}

export interface ExampleInChromium {
  server: UnveilServer;
  seeded: Seeded;
  example: RunningExample;
  browser: Browser;
}

/**
 * For a test file driving an example in Chromium: a real server with the examples' flags, the example
 * started against it with the client key, and Chromium; set up before the file's tests (unless Chromium
 * is missing: see chromium.ts) and torn down after. Call the result inside a test.
 */
export function useExampleInChromium(
  file: string,
  startExample: (options: { unveilUrl: string; clientKey: string }) => Promise<RunningExample>,
): () => ExampleInChromium {
  // Filled in as each part starts, so that afterAll stops whatever did start.
  const running: Partial<ExampleInChromium> = {};
  beforeAll(async () => {
    if (!chromiumAvailable(file)) return;
    const server = await startServer();
    running.server = server;
    const seeded = await seedExampleFlags(server.admin);
    running.seeded = seeded;
    running.example = await startExample({ unveilUrl: server.url, clientKey: seeded.clientKey });
    running.browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await running.browser?.close();
    await running.example?.close();
    await running.server?.dispose();
  }, 30_000);
  return () => running as ExampleInChromium;
}
