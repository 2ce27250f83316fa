import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export interface ExampleServerOptions {
  /** The Unveil server, e.g. `http://localhost:4000`. */
  unveilUrl: string;
  /** A client key (`unv_cli_…`) written into the page; without it the page reads `?key=`. */
  clientKey?: string;
  /** Default 0: any free port. */
  port?: number;
  host?: string;
}

export interface ExampleServer {
  /** Where the page is, e.g. `http://127.0.0.1:5173/`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles `page/app.ts` with the SDK's browser build (esbuild: ESM, platform browser, so the package's
 * `browser` condition applies). Inside this repository the SDK and core resolve to their sources, so the
 * example never runs a stale build; outside it, `npm install @unveil/sdk` and drop `alias`.
 */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [here('./page/app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
    sourcemap: 'inline',
    logLevel: 'silent',
    alias: {
      '@unveil/sdk': here('../../packages/sdk/src/index.ts'),
      '@unveil/core': here('../../packages/core/src/index.ts'),
    },
  });
  return result.outputFiles[0]!.text;
}

/**
 * Serves the example page and proxies `/sdk/*` — HTTP and the WebSocket upgrade — to the Unveil server,
 * so that the page and the SDK endpoints share one origin, as behind a site's own reverse proxy. (The
 * page can also talk to the Unveil server directly, cross-origin: `?server=http://localhost:4000`.)
 */
export async function startExampleServer(options: ExampleServerOptions): Promise<ExampleServer> {
  const upstream = new URL(options.unveilUrl);
  const [html, script] = await Promise.all([readFile(here('./page/index.html'), 'utf8'), bundlePage()]);
  const page = html.replace(
    '<meta name="unveil-client-key" content="" />',
    `<meta name="unveil-client-key" content="${escapeAttribute(options.clientKey ?? '')}" />`,
  );

  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path.startsWith('/sdk/')) {
      const proxied = forward(upstream, request);
      proxied.on('response', (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(response);
      });
      proxied.on('error', () => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
        response.end('Unveil server unreachable\n');
      });
      request.pipe(proxied);
      return;
    }
    const pathname = path.split('?')[0];
    if (pathname === '/' || pathname === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page);
    } else if (pathname === '/app.js') {
      response.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(script);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });

  // The SDK stream: pass the upgrade through and then copy bytes both ways.
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!(request.url ?? '').startsWith('/sdk/')) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    const proxied = forward(upstream, request);
    proxied.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
      upstreamSocket.on('error', () => socket.destroy());
      socket.on('close', () => upstreamSocket.destroy());
      upstreamSocket.on('close', () => socket.destroy());
      socket.write(
        `HTTP/1.1 101 ${answer.statusMessage ?? 'Switching Protocols'}\r\n${headerLines(answer)}\r\n`,
      );
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
    });
    proxied.on('response', (answer) => {
      // The upstream refused the upgrade (a 401, say): hand its answer over as it is.
      socket.end(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage ?? ''}\r\n${headerLines(answer)}\r\n`);
      answer.resume();
    });
    proxied.on('error', () => socket.destroy());
    proxied.end();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The same request to the Unveil server (method, path, headers; `host` rewritten). */
function forward(upstream: URL, request: IncomingMessage) {
  const options: RequestOptions = {
    protocol: upstream.protocol,
    hostname: upstream.hostname,
    port: upstream.port === '' ? null : upstream.port,
    method: request.method ?? 'GET',
    path: request.url ?? '/',
    headers: { ...request.headers, host: upstream.host },
  };
  return upstream.protocol === 'https:' ? httpsRequest(options) : httpRequest(options);
}

function headerLines(message: IncomingMessage): string {
  let lines = '';
  for (let i = 0; i < message.rawHeaders.length; i += 2)
    lines += `${message.rawHeaders[i]}: ${message.rawHeaders[i + 1]}\r\n`;
  return lines;
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
