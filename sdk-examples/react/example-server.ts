import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { createServer, type InlineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export interface ExampleOptions {
  /** The Unveil server, e.g. `http://localhost:4000`: the dev server proxies `/sdk/*` to it. */
  unveilUrl: string;
  /** A client key (`unv_cli_…`) built into the page; without it the page reads `?key=`. */
  clientKey?: string;
  /** Default 5174 (the plain browser example takes 5173); 0: any free port. */
  port?: number;
  host?: string;
}

/**
 * The example's Vite configuration, shared by `vite.config.ts` (the README's commands) and
 * `startExampleServer` (the end-to-end test). Inside this repository the Unveil packages resolve to their
 * sources, so the app never runs a stale build; in your own project, `npm install @unveil/react
 * @unveil/sdk` and drop `alias`.
 */
export function exampleConfig(options: ExampleOptions): InlineConfig {
  // `/sdk/*`, HTTP and the WebSocket upgrade, goes to Unveil: the page and the SDK endpoints share one
  // origin, as behind a site's own reverse proxy.
  const proxy = { '/sdk': { target: options.unveilUrl, changeOrigin: true, ws: true } };
  return {
    root: here('.'),
    plugins: [react()],
    // Only the client key reaches the page (it is public by design). Exposing env variables by prefix
    // instead would also ship an admin key that happens to be set in the same shell.
    define: { 'import.meta.env.UNVEIL_CLIENT_KEY': JSON.stringify(options.clientKey ?? '') },
    resolve: {
      alias: {
        '@unveil/react': here('../../packages/react/src/index.ts'),
        '@unveil/sdk': here('../../packages/sdk/src/index.ts'),
        '@unveil/core': here('../../packages/core/src/index.ts'),
      },
      // The bindings' sources import React from their own package: one copy of React for the page.
      dedupe: ['react', 'react-dom'],
    },
    server: { port: options.port ?? 5174, host: options.host ?? 'localhost', strictPort: true, proxy },
  };
}

export interface ExampleServer {
  /** Where the app is, e.g. `http://127.0.0.1:5174/`. */
  url: string;
  close(): Promise<void>;
}

/** The app on Vite's dev server, as `npx pnpm@10 --filter @unveil/example-react start` runs it. */
export async function startExampleServer(options: ExampleOptions): Promise<ExampleServer> {
  const server = await createServer({
    ...exampleConfig({ host: '127.0.0.1', port: 0, ...options }),
    configFile: false,
    logLevel: 'warn',
    clearScreen: false,
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) {
    await server.close();
    throw new Error('startExampleServer: Vite is not listening');
  }
  return { url, close: () => server.close() };
}
