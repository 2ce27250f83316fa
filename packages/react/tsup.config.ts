import { defineConfig } from 'tsup';

// One build for every runtime: the package has no code of its own that differs between Node and browsers
// (the SDK's conditional exports pick the right client). React and the SDK stay external (peers).
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['react', '@unveil/sdk', '@unveil/core'],
  // Hooks and a context provider: React Server Components must treat the whole module as client code.
  // (No `treeshake`: its Rollup pass would drop this directive; esbuild's bundling already drops dead code.)
  banner: { js: "'use client';" },
});
