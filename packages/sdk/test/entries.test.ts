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

/** What the browser build pulls in, as esbuild sees it (core left external). */
async function browserImports(): Promise<{ inputs: string[]; imports: string[] }> {
  const result = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    external: ['@unveil/core'],
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return { inputs: Object.keys(output.inputs), imports: output.imports.map((entry) => entry.path) };
}

describe('package entries', () => {
  it('the browser build never pulls in ws or node: modules', async () => {
    const { inputs, imports } = await browserImports();
    expect(inputs.some((input) => input.includes('cache/file') || input.includes('/ws/'))).toBe(false);
    expect(imports).toEqual(['@unveil/core']);
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
