import { defineConfig } from 'tsup';

// Two builds of the same API: `node` (Authorization header on the socket, `ws` loaded lazily when the
// runtime has no WebSocket, file cache) and `browser` (also the `default` condition: standard WebSocket,
// client key in the query string, localStorage cache). Both bundle the core modules the SDK imports
// file by file (src/core.ts, ADR 0005); the ESM builds split the regex, semver and date operators into
// chunks loaded on demand (tsup splits ESM by default; CommonJS keeps them inline, behind the same import()).
// `ws` stays external; `@unveil/core` is imported for types only.
export default defineConfig({
  entry: { 'node/index': 'src/node.ts', 'browser/index': 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // Explicit: the tsconfig maps @unveil/core to its sources for type-checking, which tsup would otherwise inline.
  external: ['@unveil/core', 'ws'],
});
