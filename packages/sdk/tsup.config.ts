import { defineConfig } from 'tsup';

// Two builds of the same API: `node` (Authorization header on the socket, `ws` loaded lazily when the
// runtime has no WebSocket, file cache) and `browser` (also the `default` condition: standard WebSocket,
// client key in the query string, localStorage cache). `@unveil/core` and `ws` stay external.
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
