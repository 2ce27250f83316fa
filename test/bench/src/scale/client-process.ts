/**
 * A client process of the scale benchmark: thousands of websocket clients speaking the SDK protocol
 * (hello, then an ack for every version applied), spread over the instances. For each client it checks
 * the version chain (a patch must start at the client's version, and be newer) and, from the write
 * markers in each frame, when each write reached it. Driven by the parent over IPC.
 */
import WebSocket from 'ws';
import { LatencyHistogram } from './histogram.js';
import { type ClientEvent, type ClientResults, MARKER_PATTERN, type ParentCommand } from './protocol.js';

const PATCH = /^\{"type":"patch"(?:,"environment":"[^"]*")?,"version":(\d+),"previousVersion":(\d+)/;
const SNAPSHOT_VERSION = /"version":(\d+)/;
const HELLO = JSON.stringify({ type: 'hello', sdk: { name: 'unveil-scale-bench', version: '1.0.0' } });

const now = () => Number(process.hrtime.bigint()) / 1e6;
const send = (event: ClientEvent) => process.send!(event);

interface Client {
  readonly ws: WebSocket;
  version: number;
  /** Per flag, the newest write this client holds (-1: none). */
  readonly lastSeen: Int32Array;
  open: boolean;
}

/** What the parent said about each write: when its PUT was sent, and whether it was answered 2xx. */
interface WriteInfo {
  sentAt: number;
  measured: boolean;
  ok: boolean | undefined;
  answeredAt: number;
  /** Receipt times waiting for the answer (a client may get a write before its PUT is answered). */
  pending: number[];
}

const clients: Client[] = [];
const writes = new Map<number, WriteInfo>();
/** Per flag, the answered-2xx writes, in order (a flag's writes are never concurrent). */
let answeredByFlag: number[][] = [];
let flagCount = 0;
const fromSent = new LatencyHistogram();
const fromAnswer = new LatencyHistogram();
let beforeAnswer = 0;
let gaps = 0;
let reordered = 0;
let dropped = 0;
let patches = 0;
let closing = false;
let onProgress: (() => void) | undefined;

function open(url: string, sdkKey: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/sdk/v1/stream`, {
      headers: { authorization: `Bearer ${sdkKey}` },
      perMessageDeflate: false,
    });
    const client: Client = { ws, version: -1, lastSeen: new Int32Array(flagCount).fill(-1), open: false };
    ws.on('open', () => ws.send(HELLO));
    ws.on('message', (data: Buffer) => {
      const at = now();
      const text = data.toString('latin1');
      if (text.startsWith('{"type":"patch"')) patch(client, text, at);
      else if (text.startsWith('{"type":"snapshot"')) {
        client.version = Number(SNAPSHOT_VERSION.exec(text)?.[1] ?? -1);
        ws.send(`{"type":"ack","version":${client.version}}`);
        seen(client, text, at);
      } else if (!client.open && client.version >= 0) {
        // The first heartbeat after the snapshot: the client is current.
        client.open = true;
        clients.push(client);
        resolve();
      }
    });
    ws.on('error', reject);
    ws.on('close', (code, reason) => {
      if (!client.open) reject(new Error(`closed before ready: ${code} ${reason.toString()}`));
      else if (!closing) dropped++;
      client.open = false;
    });
  });
}

function patch(client: Client, text: string, at: number): void {
  const match = PATCH.exec(text);
  if (match === null) return;
  patches++;
  const version = Number(match[1]);
  if (version <= client.version) {
    reordered++;
    return;
  }
  if (Number(match[2]) !== client.version) gaps++;
  client.version = version;
  client.ws.send(`{"type":"ack","version":${version}}`);
  seen(client, text, at);
  onProgress?.();
}

/** Every write the frame shows for a flag, and the earlier writes of that flag it supersedes, arrived now. */
function seen(client: Client, text: string, at: number): void {
  for (const [, digits] of text.matchAll(MARKER_PATTERN)) {
    const seq = Number(digits);
    const flag = seq % flagCount;
    const last = client.lastSeen[flag]!;
    for (let earlier = last < 0 ? flag : last + flagCount; earlier <= seq; earlier += flagCount) {
      arrived(earlier, at);
    }
    if (seq > last) client.lastSeen[flag] = seq;
  }
}

function arrived(seq: number, at: number): void {
  const write = writeInfo(seq);
  if (write.ok === undefined) write.pending.push(at);
  else if (write.ok && write.measured) measure(write, at);
}

/** What is known of write `seq`; its frame may come before the parent's word that it was sent. */
function writeInfo(seq: number): WriteInfo {
  let write = writes.get(seq);
  if (write === undefined) {
    write = { sentAt: Number.NaN, measured: false, ok: undefined, answeredAt: Number.NaN, pending: [] };
    writes.set(seq, write);
  }
  return write;
}

function measure(write: WriteInfo, at: number): void {
  fromSent.add(at - write.sentAt);
  fromAnswer.add(Math.max(0, at - write.answeredAt));
  if (at < write.answeredAt) beforeAnswer++;
}

async function connect(command: Extract<ParentCommand, { cmd: 'connect' }>): Promise<void> {
  flagCount = command.flags;
  answeredByFlag = Array.from({ length: flagCount }, () => []);
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < command.count) {
      const index = command.firstClient + next++;
      try {
        await open(command.urls[index % command.urls.length]!, command.sdkKey);
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.count) }, worker));
  send({
    event: 'connected',
    open: clients.length,
    failed,
    ...(firstError === undefined ? {} : { firstError }),
  });
}

function answered(seq: number, ok: boolean, at: number): void {
  const write = writeInfo(seq);
  write.ok = ok;
  write.answeredAt = at;
  if (ok) {
    answeredByFlag[seq % flagCount]!.push(seq);
    if (write.measured) for (const receivedAt of write.pending) measure(write, receivedAt);
  }
  write.pending = [];
}

/** Waits until every client holds `finalVersion` (or the timeout), then reports. */
function settle(finalVersion: number, timeoutMs: number): void {
  const finish = () => {
    clearTimeout(timer);
    onProgress = undefined;
    let lost = 0;
    for (const client of clients) {
      answeredByFlag.forEach((seqs, flag) => {
        for (let i = seqs.length - 1; i >= 0 && seqs[i]! > client.lastSeen[flag]!; i--) lost++;
      });
    }
    const results: ClientResults = {
      clients: clients.length,
      atFinal: clients.filter((client) => client.version >= finalVersion).length,
      gaps,
      reordered,
      lost,
      dropped,
      patches,
      fromSent: fromSent.toData(),
      fromAnswer: fromAnswer.toData(),
      beforeAnswer,
    };
    send({ event: 'settled', results });
  };
  const timer = setTimeout(finish, timeoutMs);
  onProgress = () => {
    if (clients.every((client) => client.version >= finalVersion)) finish();
  };
  onProgress();
}

process.on('message', (command: ParentCommand) => {
  switch (command.cmd) {
    case 'connect':
      void connect(command);
      break;
    case 'sending': {
      const write = writeInfo(command.seq);
      write.sentAt = command.at;
      write.measured = command.measured;
      break;
    }
    case 'answered':
      answered(command.seq, command.ok, command.at);
      break;
    case 'settle':
      settle(command.finalVersion, command.timeoutMs);
      break;
    case 'close':
      closing = true;
      for (const client of clients) client.ws.terminate();
      process.exit(0);
  }
});
send({ event: 'ready' });
// Never outlive the benchmark: its IPC channel closes when it exits, however it exits.
process.on('disconnect', () => process.exit(0));
