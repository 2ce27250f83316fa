import { defineConfig } from 'tsup';

// One entry per OpenFeature SDK, so that a browser bundle importing `/web` never reaches the server SDK
// (which needs Node's `events`). The OpenFeature SDKs are peers and `@unveil/sdk` a dependency: all stay
// external (explicitly: the tsconfig maps `@unveil/*` to sources, which tsup would otherwise inline).
export default defineConfig({
  entry: { server: 'src/server.ts', web: 'src/web.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  external: [/^@openfeature\//, '@unveil/sdk', '@unveil/core'],
});
