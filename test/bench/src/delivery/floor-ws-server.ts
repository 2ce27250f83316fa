/**
 * The fan-out floor: a bare `ws` server (the server's ws version) that answers hello with a snapshot
 * and a heartbeat frame, ignores everything else (acks), and on the parent's word sends one message of
 * the requested size to every client — the same bytes to each, as our feed does. It reports when the
 * send loop started (monotonic clock, ns) and how long it took.
 */
import { type WebSocket, WebSocketServer } from 'ws';

export type FloorCommand = { readonly cmd: 'broadcast'; readonly bytes: number };
export type FloorEvent = {
  readonly event: 'sent';
  readonly version: number;
  readonly sentAtNs: number;
  readonly loopNs: number;
  readonly clients: number;
};

const ready = new Set<WebSocket>();
let version = 1;
const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  maxPayload: 64 * 1024,
});

server.on('connection', (socket) => {
  socket.once('message', () => {
    socket.send(JSON.stringify({ type: 'snapshot', version, flags: [], segments: [] }));
    socket.send(JSON.stringify({ type: 'heartbeat', at: Date.now(), intervalMs: 15_000 }));
    ready.add(socket);
  });
  socket.on('close', () => ready.delete(socket));
  socket.on('error', () => ready.delete(socket));
});

process.on('message', ({ bytes }: FloorCommand) => {
  version++;
  const head = `{"type":"patch","version":${version},"previousVersion":${version - 1},"pad":"`;
  const frame = Buffer.from(`${head}${'x'.repeat(Math.max(0, bytes - head.length - 2))}"}`);
  const start = process.hrtime.bigint();
  for (const socket of ready) socket.send(frame, { binary: false });
  const end = process.hrtime.bigint();
  const event: FloorEvent = {
    event: 'sent',
    version,
    sentAtNs: Number(start),
    loopNs: Number(end - start),
    clients: ready.size,
  };
  process.send!(event);
});

server.on('listening', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('unexpected address');
  process.stdout.write(`listening at ws://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => {
  for (const socket of server.clients) socket.terminate();
  server.close(() => process.exit(0));
});
// Never outlive the benchmark: its IPC channel closes when it exits, however it exits.
process.on('disconnect', () => process.exit(0));
