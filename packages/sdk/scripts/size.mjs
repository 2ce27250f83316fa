#!/usr/bin/env node
/**
 * Size budget of the browser build. Bundles with esbuild (minified, ESM, platform browser, code splitting
 * on, as an application's bundler would) and reports gzip -9 bytes of
 *   - the full client (everything the browser entry exports),
 *   - an app that only creates a client and calls isEnabled,
 *   - each lazily loaded chunk (an operator family, loaded the first time a snapshot uses it),
 *   - the peers' client SDKs, bundled the same way (whole package, and a minimal "init + one flag" app),
 * then the weight of each module of the full client (esbuild metafile). "Eager" is the entry file and
 * every chunk it imports statically, gzipped as one file (what an app downloads before its first
 * evaluation); a lazy chunk is gzipped alone. Prints PASS/FAIL against the budget but always exits 0:
 * the number is for review, not a gate.
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
const sdkEntry = JSON.stringify(resolve(packageDir, 'src/index.ts'));

/** Entry points given as source text (esbuild's stdin cannot be split into chunks). */
function virtualEntry(contents) {
  return {
    name: 'virtual-entry',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^virtual:app$/ }, () => ({ path: 'app.ts', namespace: 'virtual' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'virtual' }, () => ({
        contents,
        loader: 'ts',
        resolveDir: packageDir,
      }));
    },
  };
}

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

/**
 * Bundles `contents` and splits the output into what loads at once (the entry and its static imports)
 * and what loads on demand (each dynamically imported chunk, without what is already eager).
 */
async function bundle(contents) {
  const result = await build({
    entryPoints: ['virtual:app'],
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    outdir: resolve(packageDir, '.size-out'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Several peers branch on NODE_ENV; every bundle gets the production value.
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [virtualEntry(contents)],
  });
  const outputs = result.metafile.outputs;
  const files = new Map(
    result.outputFiles.map((file) => [relative(process.cwd(), file.path), file.contents]),
  );
  const staticClosure = (start, seen = new Set()) => {
    for (const path of start) {
      if (seen.has(path)) continue;
      seen.add(path);
      staticClosure(
        outputs[path].imports.filter((entry) => entry.kind === 'import-statement').map((entry) => entry.path),
        seen,
      );
    }
    return seen;
  };
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint !== undefined);
  const eager = staticClosure([entry]);
  const measure = (paths) => {
    const code = Buffer.concat([...paths].map((path) => files.get(path)));
    const inputs = {};
    for (const path of paths)
      for (const [input, { bytesInOutput }] of Object.entries(outputs[path].inputs))
        inputs[input] = (inputs[input] ?? 0) + bytesInOutput;
    return { minified: code.length, gzip: gzip(code), inputs };
  };
  const dynamic = [...eager].flatMap((path) =>
    outputs[path].imports.filter((entry) => entry.kind === 'dynamic-import').map((entry) => entry.path),
  );
  const lazy = [...new Set(dynamic)].map((path) => {
    const own = [...staticClosure([path])].filter((chunk) => !eager.has(chunk));
    const size = measure(own);
    return { ...size, name: describeChunk(size.inputs) };
  });
  return { ...measure(eager), lazy };
}

/** A lazy chunk is named after the operator family module it starts from. */
function describeChunk(inputs) {
  const family = Object.keys(inputs).find((input) => input.includes('/operators/'));
  return family === undefined
    ? 'lazy chunk'
    : `lazy: ${family.replace(/.*\/operators\/|\.ts$/g, '')} operators`;
}

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const row = (label, size) =>
  `${label.padEnd(50)} ${String(size.gzip).padStart(7)} B gz  (${kib(size.gzip).padStart(10)})  ${String(size.minified).padStart(8)} B min`;

const ours = {
  full: `export * from ${sdkEntry};`,
  minimal: `import { createClient } from ${sdkEntry};
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

/** The module groups of the breakdown. */
function groupOf(path) {
  if (path.startsWith('packages/core/src/regex') || path === 'packages/core/src/operators/regex.ts')
    return '@unveil/core regex engine';
  if (
    path.startsWith('packages/core/src/operators/') &&
    !path.endsWith('basic.ts') &&
    !path.endsWith('table.ts')
  )
    return '@unveil/core semver and date operators';
  if (/packages\/core\/src\/(semver|timestamps)\.ts$/.test(path))
    return '@unveil/core semver and date operators';
  if (path === 'packages/core/src/shape.ts' || path === 'packages/core/src/limits.ts')
    return '@unveil/core shape gate';
  if (path.startsWith('packages/core')) return '@unveil/core evaluator (compiler, hash, conditions, …)';
  return '@unveil/sdk';
}

async function main() {
  console.log(
    'Unveil SDK size budget (esbuild --bundle --splitting --minify --format=esm --platform=browser; gzip -9)\n',
  );
  const full = await bundle(ours.full);
  const minimal = await bundle(ours.minimal);
  console.log('@unveil/sdk (eager: entry + static chunks, gzipped as one file)');
  console.log(row('  full client (export *), eager', full));
  console.log(row('  createClient + isEnabled app, eager', minimal));
  for (const chunk of full.lazy) console.log(row(`  + ${chunk.name} (on demand)`, chunk));
  const lazyTotal = full.lazy.reduce((sum, chunk) => sum + chunk.gzip, 0);
  console.log(
    `  full client with every lazy chunk loaded: ${full.gzip + lazyTotal} B gz (${kib(full.gzip + lazyTotal)}; chunks gzipped separately)`,
  );
  for (const [label, size] of [
    ['full client (eager)', full],
    ['createClient + isEnabled (eager)', minimal],
  ]) {
    const verdict = size.gzip <= BUDGET ? 'PASS' : 'FAIL';
    console.log(`  ${verdict}: ${label} ${kib(size.gzip)} gzipped vs budget ${kib(BUDGET)}`);
  }

  console.log('\npeers (whole package `export *` | minimal "init + one flag" app; any lazy chunks listed)');
  for (const peer of peers) {
    for (const [kind, contents] of [
      ['whole package', `export * from '${peer.name}';`],
      ['init + one flag', peer.app],
    ]) {
      try {
        const size = await bundle(contents);
        console.log(row(`  ${peer.name} — ${kind}`, size));
        for (const chunk of size.lazy) console.log(row(`    + lazy chunk`, chunk));
      } catch (error) {
        const reason = error?.errors?.[0]?.text ?? error?.message ?? String(error);
        console.log(`  ${peer.name} — ${kind}: could not bundle: ${reason}`);
      }
    }
  }

  // Per-module weight. esbuild reports minified bytes per input; gzip is not additive, so each module's
  // gzip share is estimated in proportion to its minified bytes within its file.
  for (const [title, size] of [
    ['the full client, eager', full],
    ...full.lazy.map((chunk) => [chunk.name, chunk]),
  ]) {
    console.log(`\nper-module weight of ${title} (minified bytes from the metafile; gzip share estimated)`);
    const total = Object.values(size.inputs).reduce((sum, bytes) => sum + bytes, 0);
    const modules = Object.entries(size.inputs)
      .map(([path, bytes]) => ({ path: relative(root, resolve(process.cwd(), path)), bytes }))
      .filter((module) => module.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes);
    const share = (bytes) =>
      `${((100 * bytes) / total).toFixed(1).padStart(5)} %  ≈${String(Math.round((size.gzip * bytes) / total)).padStart(6)} B gz`;
    const groups = new Map();
    for (const module of modules)
      groups.set(groupOf(module.path), (groups.get(groupOf(module.path)) ?? 0) + module.bytes);
    if (groups.size > 1)
      for (const [group, bytes] of [...groups].sort((a, b) => b[1] - a[1]))
        console.log(`  ${group.padEnd(56)} ${String(bytes).padStart(7)} B  ${share(bytes)}`);
    console.log('');
    for (const module of modules)
      console.log(
        `  ${module.path.padEnd(56)} ${String(module.bytes).padStart(7)} B  ${share(module.bytes)}`,
      );
  }
}

main().catch((error) => {
  console.error(error);
  // A broken measurement is reported, never a failed process: this script informs, it does not gate.
});
