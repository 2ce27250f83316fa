import { createConnection, createServer, type Socket } from 'node:net';

/** Where a proxy forwards to. */
export interface Upstream {
  host: string;
  port: number;
}

/**
 * How an outage looks from the client's side:
 * - `reset`: the peer is gone (a stopped database, a dead host that answers RST): every open connection
 *   is reset, and so is every new one, at once;
 * - `blackhole`: the network drops everything (a partition): open connections stall, new ones are
 *   accepted and then hear nothing. Nothing is lost: it all flows again after `restore()`.
 */
export type OutageKind = 'reset' | 'blackhole';

/**
 * A TCP proxy the test controls, between clients and one or more upstreams (Postgres, server instances):
 * `cut()` is a network outage on demand, `restore()` ends it. With several upstreams it is a minimal
 * load balancer: connections go round robin, and an upstream that refuses (an instance shut down) is
 * skipped for the next.
 */
export interface TcpProxy {
  /** `127.0.0.1:<port>`: what clients connect to instead of the upstream. */
  readonly address: string;
  readonly port: number;
  /** Open connections through each upstream now, in the order of the upstreams given. */
  connections(): number[];
  cut(kind?: OutageKind): void;
  restore(): void;
  /** Stops listening and resets what is still open. */
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly index: number;
}

export async function startTcpProxy(upstreams: readonly Upstream[]): Promise<TcpProxy> {
  if (upstreams.length === 0) throw new Error('startTcpProxy: at least one upstream is needed');
  const pairs = new Set<Pair>();
  /** Clients accepted during a blackhole, waiting for the network to come back. */
  const held = new Set<Socket>();
  let outage: OutageKind | undefined;
  let next = 0;

  /** Connects to the first upstream, from the round-robin position on, that accepts; undefined if none. */
  const connectUpstream = async (): Promise<{ socket: Socket; index: number } | undefined> => {
    const first = next++ % upstreams.length;
    for (let attempt = 0; attempt < upstreams.length; attempt++) {
      const index = (first + attempt) % upstreams.length;
      const socket = await dial(upstreams[index]!);
      if (socket !== undefined) return { socket, index };
    }
    return undefined;
  };

  const forward = async (client: Socket) => {
    const upstream = await connectUpstream();
    if (upstream === undefined || outage === 'reset' || client.destroyed) {
      upstream?.socket.destroy();
      if (!client.destroyed) client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: upstream.socket, index: upstream.index };
    pairs.add(pair);
    const teardown = () => {
      pairs.delete(pair);
      client.destroy();
      pair.upstream.destroy();
    };
    pair.upstream.on('error', teardown).on('close', teardown);
    client.on('close', teardown);
    if (outage === 'blackhole') return; // both stay paused until restore()
    connect(pair);
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    client.on('error', () => client.destroy());
    if (outage === 'reset') client.resetAndDestroy();
    else if (outage === 'blackhole') {
      held.add(client);
      client.once('close', () => held.delete(client));
    } else void forward(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  const resetAll = () => {
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    for (const client of held) client.resetAndDestroy();
  };
  return {
    address: `127.0.0.1:${port}`,
    port,
    connections: () => upstreams.map((_, index) => [...pairs].filter((pair) => pair.index === index).length),
    cut(kind = 'reset') {
      outage = kind;
      if (kind === 'reset') resetAll();
      else for (const pair of pairs) disconnect(pair);
    },
    restore() {
      outage = undefined;
      for (const pair of pairs) connect(pair);
      for (const client of held) void forward(client);
      held.clear();
    },
    close() {
      outage = 'reset';
      resetAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Lets bytes flow both ways. */
function connect({ client, upstream }: Pair): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Stops both directions without closing anything: what is sent waits in the sockets' buffers. */
function disconnect({ client, upstream }: Pair): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.pause();
  upstream.pause();
}

/** A connected socket to `upstream`, or undefined if it cannot be reached (refused, reset). */
function dial(upstream: Upstream): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(upstream);
    socket.once('connect', () => {
      socket.off('error', failed);
      resolve(socket);
    });
    const failed = () => {
      socket.destroy();
      resolve(undefined);
    };
    socket.once('error', failed);
  });
}
