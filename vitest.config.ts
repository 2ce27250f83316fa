import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * One run for the whole workspace. Workspace packages resolve to their TypeScript sources, so tests never
 * depend on a stale build; the build itself is checked separately by `pnpm build` in .ci/run.
 */
export default defineConfig({
  resolve: {
    alias: {
      '@unveil/core': fromRoot('./packages/core/src/index.ts'),
      // Node's entry: packages built on the SDK (react, openfeature) test it from source as well.
      '@unveil/sdk': fromRoot('./packages/sdk/src/node.ts'),
    },
  },
  test: {
    // CI reads the JSON report to print its one-line "N passed, N failed" summary (.ci/summarize.mjs).
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/out/vitest.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'packages',
          include: ['packages/*/test/**/*.test.{ts,tsx}'],
          testTimeout: 30_000,
          // Packages built on the SDK start an in-process server in their hooks.
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['services/server/test/**/*.test.ts'],
          // Integration tests share one database server; a file gets its own database or schema.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          // Spread the defaults: a bare list would drop node_modules and run linked packages' tests again.
          exclude: [...configDefaults.exclude, 'test/bench/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
