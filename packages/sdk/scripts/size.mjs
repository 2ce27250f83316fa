#!/usr/bin/env node
/**
 * Size budget of the browser build: bundles with esbuild (minified, ESM, platform browser) and reports
 * gzip -9 bytes of
 *   - the full client (everything the browser entry exports),
 *   - an app that only creates a client and calls isEnabled,
 *   - the SDK's own code (with @unveil/core left out) and core's evaluator alone,
 *   - the peers' client SDKs, bundled the same way (whole package, and a minimal "init + one flag" app),
 * then the weight of each module of the full client (esbuild metafile). Prints PASS/FAIL against the
 * budget but always exits 0: the number is for review, not a gate.
 *
 * Run: npx --yes pnpm@10 --filter @unveil/sdk size
 */
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const root = resolve(packageDir, '../..');
const BUDGET = 5 * 1024;
const sdkEntry = resolve(packageDir, 'src/index.ts');
const coreEntry = resolve(root, 'packages/core/src/index.ts');

/** Resolve @unveil/core to its sources, so the measure never depends on a stale build. */
const coreFromSource = {
  name: 'core-from-source',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@unveil\/core$/ }, () => ({ path: coreEntry }));
  },
};

async function bundle(contents, { external = [] } = {}) {
  const result = await build({
    stdin: { contents, resolveDir: packageDir, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external,
    // Several peers branch on NODE_ENV; every bundle gets the production value.
    define: { 'process.env.NODE_ENV': '"production"' },
    // Left external, a package must not be pulled back in from source.
    plugins: external.includes('@unveil/core') ? [] : [coreFromSource],
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, metafile: result.metafile };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const row = (label, size) =>
  `${label.padEnd(46)} ${String(size.gzip).padStart(7)} B gz  (${kib(size.gzip).padStart(10)})  ${String(size.minified).padStart(8)} B min`;

const ours = {
  full: `export * from ${JSON.stringify(sdkEntry)};`,
  minimal: `import { createClient } from ${JSON.stringify(sdkEntry)};
const client = createClient({ url: 'https://flags.example.com', sdkKey: 'unv_cli_example' });
export const on = client.isEnabled('new-checkout');`,
};

const peers = [
  {
    name: 'unleash-proxy-client',
    app: `import { UnleashClient } from 'unleash-proxy-client';
const client = new UnleashClient({ url: 'https://flags.example.com/proxy', clientKey: 'k', appName: 'app' });
client.start();
export const on = client.isEnabled('new-checkout');`,
  },
  {
    name: '@growthbook/growthbook',
    app: `import { GrowthBook } from '@growthbook/growthbook';
const gb = new GrowthBook({ apiHost: 'https://flags.example.com', clientKey: 'k' });
gb.init();
export const on = gb.isOn('new-checkout');`,
  },
  {
    name: 'launchdarkly-js-client-sdk',
    app: `import { initialize } from 'launchdarkly-js-client-sdk';
const client = initialize('client-side-id', { kind: 'user', key: 'user-1' });
export const on = client.variation('new-checkout', false);`,
  },
  {
    name: '@openfeature/web-sdk',
    // No provider included: OpenFeature is an API over a vendor's provider, which comes on top of this.
    app: `import { OpenFeature } from '@openfeature/web-sdk';
export const on = OpenFeature.getClient().getBooleanValue('new-checkout', false);`,
  },
  {
    name: 'flagsmith',
    app: `import flagsmith from 'flagsmith';
flagsmith.init({ environmentID: 'env' });
export const on = flagsmith.hasFeature('new-checkout');`,
  },
];

async function main() {
  console.log(
    'Unveil SDK size budget (esbuild --bundle --minify --format=esm --platform=browser; gzip -9)\n',
  );
  const full = await bundle(ours.full);
  const minimal = await bundle(ours.minimal);
  const sdkOnly = await bundle(ours.full, { external: ['@unveil/core'] });
  const coreOnly = await bundle(`export { compileSnapshot, applyPatch } from ${JSON.stringify(coreEntry)};`);
  console.log('@unveil/sdk');
  console.log(row('  full client (export *)', full));
  console.log(row('  createClient + isEnabled app', minimal));
  console.log(row('  SDK code alone (@unveil/core external)', sdkOnly));
  console.log(row('  @unveil/core compileSnapshot + applyPatch', coreOnly));
  for (const [label, size] of [
    ['full client', full],
    ['createClient + isEnabled', minimal],
  ]) {
    const verdict = size.gzip <= BUDGET ? 'PASS' : 'FAIL';
    console.log(`  ${verdict}: ${label} ${kib(size.gzip)} gzipped vs budget ${kib(BUDGET)}`);
  }

  console.log('\npeers (whole package `export *` | minimal "init + one flag" app)');
  for (const peer of peers) {
    for (const [kind, contents] of [
      ['whole package', `export * from '${peer.name}';`],
      ['init + one flag', peer.app],
    ]) {
      try {
        console.log(row(`  ${peer.name} — ${kind}`, await bundle(contents)));
      } catch (error) {
        const reason = error?.errors?.[0]?.text ?? error?.message ?? String(error);
        console.log(`  ${peer.name} — ${kind}: could not bundle: ${reason}`);
      }
    }
  }

  // Per-module weight of the full client. esbuild reports minified bytes per input; gzip is not additive,
  // so each module's gzip share is estimated in proportion to its minified bytes.
  console.log(
    '\nper-module weight of the full client (minified bytes from the metafile; gzip share estimated)',
  );
  const inputs = Object.values(full.metafile.outputs)[0].inputs;
  const total = Object.values(inputs).reduce((sum, input) => sum + input.bytesInOutput, 0);
  const modules = Object.entries(inputs)
    .map(([path, input]) => ({ path: relative(root, resolve(packageDir, path)), bytes: input.bytesInOutput }))
    .filter((module) => module.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const groups = new Map();
  for (const module of modules) {
    const group = module.path.startsWith('packages/core/src/regex')
      ? '@unveil/core regex engine'
      : module.path === 'packages/core/src/validate.ts'
        ? '@unveil/core validation'
        : module.path.startsWith('packages/core')
          ? '@unveil/core other (evaluator, compiler, hash, …)'
          : '@unveil/sdk';
    groups.set(group, (groups.get(group) ?? 0) + module.bytes);
  }
  const share = (bytes) =>
    `${((100 * bytes) / total).toFixed(1).padStart(5)} %  ≈${String(Math.round((full.gzip * bytes) / total)).padStart(6)} B gz`;
  for (const [group, bytes] of [...groups].sort((a, b) => b[1] - a[1]))
    console.log(`  ${group.padEnd(52)} ${String(bytes).padStart(7)} B  ${share(bytes)}`);
  console.log('');
  for (const module of modules)
    console.log(`  ${module.path.padEnd(52)} ${String(module.bytes).padStart(7)} B  ${share(module.bytes)}`);
}

main().catch((error) => {
  console.error(error);
  // A broken measurement is reported, never a failed process: this script informs, it does not gate.
});
