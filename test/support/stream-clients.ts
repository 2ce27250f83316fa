import WebSocket from 'ws';
import type { ServerMessage } from '../../packages/core/src/index.js';

/**
 * Raw SDK-protocol clients on `GET /sdk/v1/stream`, far lighter than the SDK: a thousand fit in a test
 * process. Each speaks as the SDK does (hello, then an ack for every version it applies) and records
 * what a correct client must never see: a patch that does not start at its version (a version skipped)
 * or one that is not newer (reordered or repeated). Times are `performance.now()` of this process.
 */
export interface StreamClient {
  readonly socket: WebSocket;
  /** The version the client has applied; -1 before its snapshot. */
  readonly version: number;
  /** Every snapshot and patch, in order, with when it arrived. */
  readonly received: readonly { version: number; at: number }[];
  /** Patches whose `previousVersion` was not the client's version. */
  readonly gaps: number;
  /** Patches not newer than the client's version. */
  readonly reordered: number;
  /** Set once the connection is closed: by whom is not known, the code says why. */
  readonly closed: { code: number; reason: string } | undefined;
  /** When the client first held `version` or a later one (patches may fold several versions into one). */
  reachedAt(version: number): number | undefined;
}

export interface StreamFleet {
  readonly clients: readonly StreamClient[];
  /** Resolves once every client holds `version` (or later); rejects after `timeoutMs` saying who lags. */
  reach(version: number, timeoutMs?: number): Promise<void>;
  /** Patches skipped or reordered, summed over the fleet: a correct server makes both zero. */
  anomalies(): { gaps: number; reordered: number };
  close(): Promise<void>;
}

/** Handshakes in flight at once, so that a test does not overflow a server's accept backlog. */
const CONCURRENT_HANDSHAKES = 50;

/**
 * Connects `count` clients, client i to `urls[i % urls.length]` (`clients` keeps that order), and
 * resolves once each holds its snapshot. Rejects if any cannot connect.
 */
export async function connectFleet(
  urls: readonly string[],
  sdkKey: string,
  count: number,
): Promise<StreamFleet> {
  const clients: RawClient[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const client = new RawClient(urls[index % urls.length]!, sdkKey, wake);
      clients.push(client);
      await client.synced;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_HANDSHAKES, count) }, worker));
  } catch (error) {
    for (const client of clients) client.socket.terminate();
    throw error;
  }

  const lagging = (version: number) => clients.filter((client) => client.version < version);
  return {
    clients,
    reach: (version, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (lagging(version).length > 0) return;
          finish();
          resolve();
        };
        const timer = setTimeout(() => {
          finish();
          const behind = lagging(version);
          const versions = [...new Set(behind.map((client) => client.version))];
          reject(
            new Error(
              `${behind.length} of ${clients.length} clients did not reach version ${version} within ` +
                `${timeoutMs} ms (they hold ${versions.join(', ')}; closed: ${behind.filter((c) => c.closed).length})`,
            ),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    anomalies: () => ({
      gaps: clients.reduce((sum, client) => sum + client.gaps, 0),
      reordered: clients.reduce((sum, client) => sum + client.reordered, 0),
    }),
    close: async () => {
      await Promise.all(clients.map((client) => client.close()));
    },
  };
}

class RawClient implements StreamClient {
  readonly socket: WebSocket;
  readonly received: { version: number; at: number }[] = [];
  readonly synced: Promise<void>;
  version = -1;
  gaps = 0;
  reordered = 0;
  closed: { code: number; reason: string } | undefined;

  constructor(url: string, sdkKey: string, onChange: () => void) {
    this.socket = new WebSocket(`${url.replace(/^http/, 'ws')}/sdk/v1/stream`, {
      headers: { authorization: `Bearer ${sdkKey}` },
      perMessageDeflate: false,
    });
    this.synced = new Promise((resolve, reject) => {
      this.socket.once('open', () =>
        this.socket.send(JSON.stringify({ type: 'hello', sdk: { name: 'fault-test', version: '0.0.0' } })),
      );
      this.socket.on('message', (data: Buffer) => {
        this.#receive(JSON.parse(data.toString('utf8')) as ServerMessage, performance.now());
        if (this.version >= 0) resolve();
        onChange();
      });
      this.socket.on('error', reject);
      this.socket.once('close', (code, reason) => {
        this.closed = { code, reason: reason.toString('utf8') };
        reject(new Error(`closed before its snapshot: ${code} ${this.closed.reason}`));
        onChange();
      });
    });
  }

  reachedAt(version: number): number | undefined {
    return this.received.find((entry) => entry.version >= version)?.at;
  }

  close(): Promise<void> {
    if (this.closed !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000);
      setTimeout(() => this.socket.terminate(), 2_000).unref();
    });
  }

  #receive(message: ServerMessage, at: number): void {
    if (message.type === 'snapshot') this.#apply(message.version, at);
    else if (message.type === 'patch') {
      if (message.version <= this.version) this.reordered++;
      else {
        if (message.previousVersion !== this.version) this.gaps++;
        this.#apply(message.version, at);
      }
    }
  }

  #apply(version: number, at: number): void {
    this.version = version;
    this.received.push({ version, at });
    this.socket.send(JSON.stringify({ type: 'ack', version }));
  }
}
