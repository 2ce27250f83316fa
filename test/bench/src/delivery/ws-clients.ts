/**
 * Client process of the fan-out benchmark: holds many websocket clients (package `ws`), in one pool per
 * server, and records for every patch when each client received it (`process.hrtime`: CLOCK_MONOTONIC,
 * comparable across the processes of one machine). Each client speaks like an SDK: hello, waits for its
 * snapshot and the heartbeat, then acknowledges every version it gets. Driven by its parent over IPC.
 */
import WebSocket from 'ws';

export type ClientCommand =
  | {
      readonly cmd: 'connect';
      readonly pool: string;
      readonly url: string;
      readonly headers: Record<string, string>;
      readonly count: number;
      /** Handshakes in flight at once (keeps the server's accept backlog from overflowing). */
      readonly concurrency: number;
    }
  | { readonly cmd: 'expect'; readonly pool: string; readonly version: number; readonly timeoutMs: number }
  | { readonly cmd: 'close' };

/** What a pool's clients saw that they should not have. */
export interface Anomalies {
  /** Patches whose previousVersion was not the client's version (a version skipped). */
  readonly gaps: number;
  /** Patches not newer than the client's version (reordered or repeated). */
  readonly reordered: number;
  /** Connections the server closed while they were being measured. */
  readonly dropped: number;
}

export type ClientEvent =
  | { readonly event: 'ready' }
  | {
      readonly event: 'connected';
      readonly open: number;
      readonly failed: number;
      /** Versions the snapshots carried (one unless a change raced the connections). */
      readonly versions: number[];
      /** Heartbeats that came before the client's snapshot (a server tick during its hello). */
      readonly earlyHeartbeats: number;
      readonly firstError?: string;
    }
  | {
      readonly event: 'round';
      readonly version: number;
      /** Receipt time (ns, monotonic clock) of the version at each client that got it. */
      readonly times: number[];
      /** Clients open at the deadline that had not received it. */
      readonly missing: number;
      readonly patchBytes: number;
      /** Heartbeat frames (any pool) received while waiting: the server's 15 s tick overlapped this change. */
      readonly heartbeats: number;
    }
  | { readonly event: 'closed'; readonly pools: Record<string, Anomalies> };

const PATCH = /^\{"type":"patch"(?:,"environment":"[^"]*")?,"version":(\d+),"previousVersion":(\d+)/;
const HELLO = JSON.stringify({ type: 'hello', sdk: { name: 'unveil-delivery-bench', version: '1.0.0' } });

class Pool {
  readonly clients = new Set<Client>();
  readonly receipts = new Map<number, number[]>();
  patchBytes = 0;
  earlyHeartbeats = 0;
  gaps = 0;
  reordered = 0;
  dropped = 0;
}

interface Client {
  readonly ws: WebSocket;
  readonly pool: Pool;
  version: number;
}

const pools = new Map<string, Pool>();
let closing = false;
let heartbeats = 0;
let waiter: { pool: Pool; version: number; check: () => void } | undefined;

const send = (event: ClientEvent) => process.send!(event);

/** One client: resolves with its snapshot version once the first heartbeat says it is current. */
function open(pool: Pool, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const client: Client = { ws, pool, version: -1 };
    let ready = false;
    const timer = setTimeout(() => ws.terminate(), 60_000);
    ws.on('open', () => ws.send(HELLO));
    ws.on('message', (data: Buffer) => {
      const at = Number(process.hrtime.bigint());
      if (ready) return received(client, data, at);
      const message = JSON.parse(data.toString('utf8')) as { type: string; version?: number };
      if (message.type === 'heartbeat' && client.version < 0) pool.earlyHeartbeats++;
      else if (message.type === 'snapshot') {
        client.version = message.version!;
        ws.send(`{"type":"ack","version":${client.version}}`);
      } else if (message.type === 'heartbeat' && client.version >= 0) {
        ready = true;
        clearTimeout(timer);
        pool.clients.add(client);
        resolve(client.version);
      } else reject(new Error(`unexpected first frames: ${data.toString('utf8').slice(0, 200)}`));
    });
    ws.on('error', (error) => reject(error));
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`closed before ready: ${code} ${reason.toString()}`));
      else if (pool.clients.delete(client) && !closing) pool.dropped++;
      waiter?.check();
    });
  });
}

function received(client: Client, data: Buffer, at: number): void {
  const match = PATCH.exec(data.toString('latin1', 0, Math.min(data.length, 160)));
  if (match === null) {
    if (waiter !== undefined) heartbeats++;
    return;
  }
  const { pool } = client;
  const version = Number(match[1]);
  if (version <= client.version) pool.reordered++;
  else if (Number(match[2]) !== client.version) pool.gaps++;
  client.version = Math.max(client.version, version);
  pool.patchBytes = data.length;
  const times = pool.receipts.get(version);
  if (times === undefined) pool.receipts.set(version, [at]);
  else times.push(at);
  client.ws.send(`{"type":"ack","version":${version}}`);
  if (waiter?.pool === pool && waiter.version === version) waiter.check();
}

async function connect(command: Extract<ClientCommand, { cmd: 'connect' }>): Promise<void> {
  closing = false;
  const pool = pools.get(command.pool) ?? new Pool();
  pools.set(command.pool, pool);
  const versions = new Set<number>();
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < command.count) {
      next++;
      try {
        versions.add(await open(pool, command.url, command.headers));
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.count) }, worker));
  send({
    event: 'connected',
    open: pool.clients.size,
    failed,
    versions: [...versions],
    earlyHeartbeats: pool.earlyHeartbeats,
    ...(firstError === undefined ? {} : { firstError }),
  });
}

function expect(command: Extract<ClientCommand, { cmd: 'expect' }>): void {
  const pool = pools.get(command.pool) ?? new Pool();
  const { version } = command;
  heartbeats = 0;
  const finish = () => {
    clearTimeout(timer);
    waiter = undefined;
    const times = pool.receipts.get(version) ?? [];
    pool.receipts.delete(version);
    const missing = Math.max(0, pool.clients.size - times.length);
    send({ event: 'round', version, times, missing, patchBytes: pool.patchBytes, heartbeats });
  };
  const timer = setTimeout(finish, command.timeoutMs);
  waiter = {
    pool,
    version,
    check: () => {
      if ((pool.receipts.get(version)?.length ?? 0) >= pool.clients.size) finish();
    },
  };
  waiter.check();
}

/** Closes every client of every pool; reports and forgets each pool's anomalies. */
async function close(): Promise<void> {
  closing = true;
  const all = [...pools.values()].flatMap((pool) => [...pool.clients]);
  await Promise.all(
    all.map(
      ({ ws }) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000);
          setTimeout(() => ws.terminate(), 5_000).unref();
        }),
    ),
  );
  const report = Object.fromEntries(
    [...pools].map(([name, { gaps, reordered, dropped }]) => [name, { gaps, reordered, dropped }]),
  );
  pools.clear();
  send({ event: 'closed', pools: report });
}

process.on('message', (command: ClientCommand) => {
  if (command.cmd === 'connect') void connect(command);
  else if (command.cmd === 'expect') expect(command);
  else void close();
});
send({ event: 'ready' });
// Never outlive the benchmark: its IPC channel closes when it exits, however it exits.
process.on('disconnect', () => process.exit(0));
