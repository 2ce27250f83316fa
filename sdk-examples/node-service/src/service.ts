import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { UnveilClient } from '@unveil/sdk';

/** What the service needs: a started client and the boolean flag it follows. */
export interface ServiceOptions {
  client: UnveilClient;
  /** A boolean flag's key, e.g. `new-checkout`. */
  flag: string;
}

/** What the service answers for one user. */
export interface FlagAnswer {
  flag: string;
  user: string;
  enabled: boolean;
  /** Why: `RULE_MATCH`, `SPLIT`, `FALLTHROUGH`, `OFF`… (see the SDK README). */
  reason: string;
  /** The configuration version the answer was computed from. */
  version: number | null;
  /** `ready`, or `stale` while the Unveil server is unreachable (the last configuration is served). */
  state: string;
}

/**
 * A small HTTP service whose answers follow a flag live:
 *
 * - `GET /?user=alice`: whether the flag is on for that user, and why (JSON);
 * - `GET /watch?user=alice`: the same as Server-Sent Events, one event now and one each time the flag's
 *   configuration changes (`curl -N`).
 *
 * Every evaluation is local (no network call per request); the SDK keeps the configuration current.
 */
export function createService({ client, flag }: ServiceOptions): Server {
  const answer = (user: string): FlagAnswer => {
    const detail = client.getDetail(flag, false, { key: user });
    return {
      flag,
      user,
      enabled: detail.value,
      reason: detail.reason,
      version: client.version ?? null,
      state: client.state,
    };
  };

  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const user = url.searchParams.get('user') ?? 'anonymous';
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (url.pathname === '/') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(answer(user))}\n`);
    } else if (url.pathname === '/watch') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const send = () => response.write(`data: ${JSON.stringify(answer(user))}\n\n`);
      send();
      const unsubscribe = [
        client.onFlag(flag, send),
        client.on('stale', send),
        client.on('reconnected', send),
      ];
      request.on('close', () => {
        for (const off of unsubscribe) off();
      });
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('try / or /watch\n');
    }
  });
}
