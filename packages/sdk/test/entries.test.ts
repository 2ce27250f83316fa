import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';
import * as browser from '../src/index.js';
import * as node from '../src/node.js';
import { SDK_VERSION } from '../src/version.js';

const packageDir = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8')) as { version: string };
const readme = readFileSync(new URL('README.md', packageDir), 'utf8');

/** The browser build as an application's bundler makes it: its output files, with their inputs and imports. */
async function browserBuild() {
  const result = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: new URL('../.entries-out', import.meta.url).pathname,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile.outputs;
}

/** The output files loaded with the entry: it and, transitively, what it imports statically. */
function eagerFiles(outputs: Awaited<ReturnType<typeof browserBuild>>): Set<string> {
  const eager = new Set<string>();
  const visit = (path: string) => {
    if (eager.has(path)) return;
    eager.add(path);
    for (const entry of outputs[path]!.imports) if (entry.kind === 'import-statement') visit(entry.path);
  };
  visit(Object.keys(outputs).find((path) => outputs[path]!.entryPoint !== undefined)!);
  return eager;
}

describe('package entries', () => {
  it('the browser build never pulls in ws or node: modules, and imports nothing outside itself', async () => {
    const outputs = Object.values(await browserBuild());
    const inputs = outputs.flatMap((output) => Object.keys(output.inputs));
    expect(inputs.some((input) => input.includes('cache/file') || input.includes('/ws/'))).toBe(false);
    expect(outputs.flatMap((output) => output.imports).filter((entry) => entry.external)).toEqual([]);
  });

  it('the browser build loads the regex, semver and date operators only on demand, each in a chunk of its own', async () => {
    const outputs = await browserBuild();
    const eager = eagerFiles(outputs);
    for (const family of ['regex', 'semver', 'dates']) {
      const files = Object.keys(outputs).filter((path) =>
        Object.keys(outputs[path]!.inputs).some((input) => input.endsWith(`core/src/operators/${family}.ts`)),
      );
      expect(files, family).toHaveLength(1);
      expect(eager.has(files[0]!), family).toBe(false);
    }
    const regexEngine = Object.keys(outputs).filter((path) =>
      Object.keys(outputs[path]!.inputs).some((input) => input.includes('core/src/regex/')),
    );
    expect(regexEngine.some((path) => eager.has(path))).toBe(false);
  });

  it('the node entry loads ws lazily (a dynamic import only)', () => {
    const source = readFileSync(new URL('../src/node.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/await import\('ws'\)/);
    expect(source).not.toMatch(/from 'ws'/);
  });

  it('both entries export the same API, the node one also fileCache', () => {
    const { fileCache, ...rest } = node;
    expect(typeof fileCache).toBe('function');
    expect(Object.keys(rest).sort()).toEqual(Object.keys(browser).sort());
  });

  it('reports the version of package.json', () => {
    expect(SDK_VERSION).toBe(manifest.version);
  });

  it('documents every error code in the README', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(readme, code).toContain(code);
  });

  it('refuses to put a server key in a browser stream URL, and polls instead', async () => {
    const errors: string[] = [];
    const opened: string[] = [];
    const requested: { url: string; headers: Record<string, string> }[] = [];
    const client = browser.createClient({
      url: 'https://flags.example.com',
      sdkKey: 'unv_srv_secret',
      cache: false,
      onError: (error) => errors.push(error.code),
      WebSocket: class {
        constructor(url: string) {
          opened.push(url);
        }
      } as never,
      fetch: async (url, init) => {
        requested.push({ url, headers: init.headers });
        return { status: 304, headers: { get: () => null }, text: async () => '' };
      },
    });
    await client.ready({ timeoutMs: 20 });
    await client.close();
    expect(errors).toContain('UNVEIL_ERR_SDK_KEY_IN_URL');
    expect(opened).toEqual([]);
    expect(requested[0]).toEqual({
      url: 'https://flags.example.com/sdk/v1/config',
      headers: { authorization: 'Bearer unv_srv_secret' },
    });
    expect(requested.every(({ url }) => !url.includes('unv_srv_secret'))).toBe(true);
  });
});
