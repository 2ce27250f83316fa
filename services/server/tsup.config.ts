import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/server.ts', 'src/audit-verify.ts', 'src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
});
