/**
 * Measurement 2: change-to-client latency. N websocket clients (split over client processes) connect
 * and say hello; then K changes, one at a time, each waited for at every client before the next. Ours:
 * the admin API toggles `banner-color`'s fallthrough; the floor: a bare `ws` server sends one message of
 * the same size to every client. Receipt times come from the clients, on the machine's monotonic clock.
 * Also reads the servers' idle memory (measurement 3) once the largest N is connected.
 */
import type { FloorCommand, FloorEvent } from './floor-ws-server.js';
import { type IdleMemory, type MemoryReading, settledMemory } from './idle-memory.js';
import { GC_ON_SIGNAL, type NodeChild, readUntil, sleep, spawnNode, startUnveil } from './processes.js';
import { count, fixed, median, percentile, type Section, table, verdict } from './report.js';
import type { Anomalies, ClientCommand, ClientEvent } from './ws-clients.js';

export const CHANGES = 20;
const WARMUP_CHANGES = 3;
const WARMUP_CLIENTS = 200;
export const CLIENT_PROCESSES = 2;
/** Handshakes in flight per client process. */
const CONNECT_CONCURRENCY = 100;
/** Quiet time after each change, so that acknowledgements are handled before the next one starts. */
const PAUSE_MS = 250;
const ROUND_TIMEOUT_MS = 15_000;
/** Target: ours' change-to-last-client p99 at most this multiple of the floor's, at the largest N. */
const TARGET_VS_FLOOR = 1.5;

/** Where a latency is measured from: ours just before the PUT / once it answered; the floor's send loop. */
type Reference = 'put-sent' | 'put-answered' | 'floor-send';

interface Round {
  readonly version: number;
  readonly refs: Partial<Record<Reference, number>>;
  /** Receipt times at every client that got the version, ns, ascending. */
  readonly times: number[];
  readonly missing: number;
  readonly patchBytes: number;
  /** Heartbeat frames received during the change: ours' 15 s heartbeat tick overlapped it. */
  readonly heartbeats: number;
}

export interface FanoutRun {
  readonly target: 'ours' | 'floor';
  readonly clients: number;
  readonly connectSeconds: number;
  /** Clients that got a heartbeat before their snapshot (a heartbeat tick while they said hello). */
  readonly earlyHeartbeats: number;
  readonly rounds: Round[];
  readonly patchBytes: number;
  readonly gaps: number;
  readonly reordered: number;
  readonly dropped: number;
  /** Ours only: the server's delivery proof for the measured versions (acks it counted). */
  readonly proof?: { readonly applied: number; readonly audience: number };
  /** Floor only: median duration of the send loop. */
  readonly floorLoopMs?: number;
}

interface Target {
  readonly kind: 'ours' | 'floor';
  readonly child: NodeChild;
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Makes one change; resolves with its version and reference times once the trigger returns. */
  change(expected: number): Promise<{ version: number; refs: Round['refs']; loopNs?: number }>;
  proof?(versions: number[]): Promise<{ applied: number; audience: number }>;
  stop(): Promise<void>;
}

const now = () => Number(process.hrtime.bigint());

async function ours(): Promise<Target> {
  const server = await startUnveil();
  const admin = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
  const flagUrl = `${server.url}/api/v1/environments/${server.environment}/flags/banner-color`;
  let toggles = 0;
  return {
    kind: 'ours',
    child: server.child,
    url: `${server.url.replace(/^http/, 'ws')}/sdk/v1/stream`,
    headers: { authorization: `Bearer ${server.serverKey}` },
    async change(expected) {
      const variant = ++toggles % 2 === 1 ? 'green' : 'blue';
      const body = JSON.stringify({
        enabled: true,
        offVariant: 'blue',
        fallthrough: { variant },
        reason: 'delivery benchmark',
      });
      const sent = now();
      const response = await fetch(flagUrl, { method: 'PUT', headers: admin, body });
      const text = await response.text();
      const answered = now();
      if (!response.ok) throw new Error(`PUT banner-color: ${response.status} ${text}`);
      return { version: expected, refs: { 'put-sent': sent, 'put-answered': answered } };
    },
    async proof(versions) {
      const response = await fetch(`${server.url}/api/v1/environments/${server.environment}/delivery`, {
        headers: admin,
      });
      const report = (await response.json()) as {
        versions: { version: number; applied: number; audience: number }[];
      };
      const measured = report.versions.filter((entry) => versions.includes(entry.version));
      return {
        applied: Math.min(...measured.map((entry) => entry.applied)),
        audience: Math.max(...measured.map((entry) => entry.audience)),
      };
    },
    stop: () => server.stop(),
  };
}

/** The bare ws server; each message is `bytes()` long (our latest patch's size). */
async function floor(bytes: () => number): Promise<Target> {
  const child = spawnNode('floor-ws-server.ts', { nodeArgs: GC_ON_SIGNAL });
  const output = await readUntil(child, /listening at (\S+)/, 30_000);
  return {
    kind: 'floor',
    child,
    url: /listening at (\S+)/.exec(output)![1]!,
    headers: {},
    async change() {
      const sent = child.next<FloorEvent>((m) => m.event === 'sent');
      const command: FloorCommand = { cmd: 'broadcast', bytes: bytes() };
      child.send(command);
      const { version, sentAtNs, loopNs } = await sent;
      return { version, refs: { 'floor-send': sentAtNs }, loopNs };
    },
    stop: () => child.stop(),
  };
}

/** The client processes, driven together; each holds a share of every target's clients. */
class Clients {
  private constructor(private readonly children: NodeChild[]) {}

  static async start(): Promise<Clients> {
    const children = Array.from({ length: CLIENT_PROCESSES }, () => spawnNode('ws-clients.ts'));
    await Promise.all(children.map((child) => child.next<ClientEvent>((m) => m.event === 'ready')));
    return new Clients(children);
  }

  /** Connects `n` clients to the target: the version their snapshots carried, heartbeats that came first. */
  async connect(target: Target, n: number): Promise<{ version: number; earlyHeartbeats: number }> {
    const answers = await this.#all<Extract<ClientEvent, { event: 'connected' }>>('connected', (i) => ({
      cmd: 'connect',
      pool: target.kind,
      url: target.url,
      headers: target.headers,
      count: Math.floor(n / CLIENT_PROCESSES) + (i < n % CLIENT_PROCESSES ? 1 : 0),
      concurrency: CONNECT_CONCURRENCY,
    }));
    const failed = answers.reduce((sum, a) => sum + a.failed, 0);
    const firstError = answers.find((a) => a.firstError)?.firstError;
    if (failed > 0)
      throw new Error(`${failed} of ${n} clients failed to connect to ${target.kind}: ${firstError}`);
    const versions = new Set(answers.flatMap((a) => a.versions));
    if (versions.size !== 1)
      throw new Error(`clients started at different versions: ${[...versions].join(', ')}`);
    return {
      version: [...versions][0]!,
      earlyHeartbeats: answers.reduce((sum, a) => sum + a.earlyHeartbeats, 0),
    };
  }

  /** Waits until every client of the target got `version` (or the deadline). */
  async round(target: Target, version: number) {
    const answers = await this.#all<Extract<ClientEvent, { event: 'round' }>>(
      'round',
      () => ({ cmd: 'expect', pool: target.kind, version, timeoutMs: ROUND_TIMEOUT_MS }),
      ROUND_TIMEOUT_MS + 10_000,
    );
    return {
      times: answers.flatMap((a) => a.times).sort((a, b) => a - b),
      missing: answers.reduce((sum, a) => sum + a.missing, 0),
      heartbeats: answers.reduce((sum, a) => sum + a.heartbeats, 0),
      patchBytes: Math.max(...answers.map((a) => a.patchBytes)),
    };
  }

  /** Closes every client; what each target's clients saw amiss. */
  async close(): Promise<Record<string, Anomalies>> {
    const answers = await this.#all<Extract<ClientEvent, { event: 'closed' }>>('closed', () => ({
      cmd: 'close',
    }));
    const total: Record<string, Anomalies> = {};
    for (const { pools } of answers) {
      for (const [pool, a] of Object.entries(pools)) {
        const t = total[pool] ?? { gaps: 0, reordered: 0, dropped: 0 };
        total[pool] = {
          gaps: t.gaps + a.gaps,
          reordered: t.reordered + a.reordered,
          dropped: t.dropped + a.dropped,
        };
      }
    }
    return total;
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((child) => child.stop()));
  }

  #all<T extends ClientEvent>(
    event: T['event'],
    command: (index: number) => ClientCommand,
    timeoutMs = 180_000,
  ): Promise<T[]> {
    return Promise.all(
      this.children.map((child, i) => {
        const answer = child.next<T>((m) => m.event === event, timeoutMs);
        child.send(command(i));
        return answer;
      }),
    );
  }
}

/** One target and the version its clients are at. */
interface Live {
  readonly target: Target;
  version: number;
}

/** One change, waited for at every client, then a quiet pause. */
async function round(live: Live, clients: Clients): Promise<Round & { loopNs?: number }> {
  const expected = live.version + 1;
  const waiting = clients.round(live.target, expected);
  const change = await live.target.change(expected);
  if (change.version !== expected) throw new Error(`expected version ${expected}, got ${change.version}`);
  const got = await waiting;
  live.version = expected;
  await sleep(PAUSE_MS);
  return {
    version: expected,
    refs: change.refs,
    times: got.times,
    missing: got.missing,
    heartbeats: got.heartbeats,
    patchBytes: got.patchBytes,
    ...(change.loopNs === undefined ? {} : { loopNs: change.loopNs }),
  };
}

/**
 * Both servers run side by side and their changes alternate (ours, floor, ours, …), so that whatever
 * else loads the machine weighs on both alike. At each size in `sizes` (largest first: idle memory is
 * read right after it connects) N clients connect to each server. The floor sends messages the size of
 * our latest patch.
 */
export async function measureFanout(
  sizes: readonly number[],
  log: (line: string) => void,
): Promise<{ runs: FanoutRun[]; memory: IdleMemory[] }> {
  const runs: FanoutRun[] = [];
  const memory: IdleMemory[] = [];
  const clients = await Clients.start();
  const targets: Target[] = [];
  let patchBytes = 300;
  try {
    targets.push(await ours(), await floor(() => patchBytes));
    const lives: Live[] = targets.map((target) => ({ target, version: 0 }));
    const changeAll = async (changes: number) => {
      const rounds = new Map<Live, Round[]>(lives.map((live) => [live, []]));
      const loops: number[] = [];
      for (let i = 0; i < changes; i++) {
        for (const live of lives) {
          const done = await round(live, clients);
          rounds.get(live)!.push(done);
          if (live.target.kind === 'ours') patchBytes = done.patchBytes;
          if (done.loopNs !== undefined) loops.push(done.loopNs);
        }
      }
      return { rounds, loopMs: loops.length > 0 ? median(loops) / 1e6 : undefined };
    };

    // Warm-up: a few connections and changes, so that the idle reading is of a warmed-up process.
    for (const live of lives) live.version = (await clients.connect(live.target, WARMUP_CLIENTS)).version;
    await changeAll(WARMUP_CHANGES);
    await clients.close();
    const idle = new Map<Target, MemoryReading>();
    for (const target of targets) idle.set(target, await settledMemory(target.child));

    for (const n of sizes) {
      const connectSeconds = new Map<Target, number>();
      const earlyHeartbeats = new Map<Target, number>();
      for (const live of lives) {
        const started = now();
        const connected = await clients.connect(live.target, n);
        live.version = connected.version;
        earlyHeartbeats.set(live.target, connected.earlyHeartbeats);
        connectSeconds.set(live.target, (now() - started) / 1e9);
        log(
          `  ${live.target.kind}: ${count(n)} clients connected in ${fixed(connectSeconds.get(live.target)!)} s`,
        );
      }
      if (n === sizes[0]) {
        for (const target of targets) {
          const connected = await settledMemory(target.child);
          memory.push({ target: target.kind, clients: n, idle: idle.get(target)!, connected });
        }
      }
      await changeAll(WARMUP_CHANGES);
      const measured = await changeAll(CHANGES);
      const proofs = new Map<Live, { applied: number; audience: number }>();
      for (const live of lives) {
        const proof = await live.target.proof?.(measured.rounds.get(live)!.map((r) => r.version));
        if (proof !== undefined) proofs.set(live, proof);
      }
      const anomalies = await clients.close();
      for (const live of lives) {
        const kind = live.target.kind;
        const rounds = measured.rounds.get(live)!;
        const proof = proofs.get(live);
        runs.push({
          target: kind,
          clients: n,
          connectSeconds: connectSeconds.get(live.target)!,
          earlyHeartbeats: earlyHeartbeats.get(live.target)!,
          rounds,
          patchBytes: rounds.at(-1)!.patchBytes,
          ...(anomalies[kind] ?? { gaps: 0, reordered: 0, dropped: 0 }),
          ...(proof === undefined ? {} : { proof }),
          ...(kind === 'floor' && measured.loopMs !== undefined ? { floorLoopMs: measured.loopMs } : {}),
        });
        const last = median(rounds.map((r) => r.times.at(-1)! - Object.values(r.refs)[0]!)) / 1e6;
        log(`  ${kind}: ${count(n)} clients, ${CHANGES} changes, last client p50 ${fixed(last)} ms`);
      }
    }
  } finally {
    for (const target of targets) await target.stop();
    await clients.stop();
  }
  return { runs, memory };
}

interface Latencies {
  readonly pairs: number[];
  readonly first: number[];
  readonly last: number[];
}

/** Latencies in ms from one reference: every (change, client) pair, and the first and last client per change. */
function latencies(run: FanoutRun, reference: Reference): Latencies {
  const pairs: number[] = [];
  const first: number[] = [];
  const last: number[] = [];
  for (const round of run.rounds) {
    const ref = round.refs[reference]!;
    for (const t of round.times) pairs.push((t - ref) / 1e6);
    first.push((round.times[0]! - ref) / 1e6);
    last.push((round.times.at(-1)! - ref) / 1e6);
  }
  const ascending = (values: number[]) => values.sort((a, b) => a - b);
  return { pairs: ascending(pairs), first: ascending(first), last: ascending(last) };
}

const REFERENCES: Record<'ours' | 'floor', { reference: Reference; label: string }[]> = {
  ours: [
    { reference: 'put-answered', label: 'from PUT answered' },
    { reference: 'put-sent', label: 'from PUT sent' },
  ],
  floor: [{ reference: 'floor-send', label: 'from send loop start' }],
};

export function reportFanout(runs: readonly FanoutRun[]): Section {
  const rows: string[][] = [];
  for (const run of runs) {
    for (const { reference, label } of REFERENCES[run.target]) {
      const l = latencies(run, reference);
      rows.push([
        run.target === 'ours' ? 'Unveil (ours)' : 'bare ws (floor)',
        count(run.clients),
        label,
        fixed(percentile(l.pairs, 0.5)),
        fixed(percentile(l.pairs, 0.99)),
        fixed(l.pairs.at(-1)!),
        fixed(percentile(l.first, 0.5)),
        fixed(percentile(l.last, 0.5)),
        fixed(percentile(l.last, 0.99)),
        count(run.rounds.reduce((sum, r) => sum + r.missing, 0)),
        count(run.gaps + run.reordered),
      ]);
    }
  }
  const lines = [
    `2. Change-to-client latency — ${CHANGES} changes per row (after ${WARMUP_CHANGES} unmeasured), one at a time, ` +
      `each waited for at every client, then ${PAUSE_MS} ms of quiet. Both servers run side by side with N`,
    '   clients each and their changes alternate (ours, floor, ours, …), so other load on the machine weighs on ' +
      `both alike. Clients: ${CLIENT_PROCESSES} processes (package ws) acknowledging every version like the SDK;`,
    "   receipt time = first thing in the client's message handler (monotonic clock, shared by all processes). " +
      "Servers and clients share the machine's cores: client-side work is in every figure, ours and the floor's.",
    '   Ours: admin PUT toggling banner-color (database write, then reload, diff, fan-out), timed from just before ' +
      'the PUT and from its answer. Floor: bare ws server sending one message of our patch size to every client,',
    '   timed from the start of its send loop. ms; pairs = every (change, client); first/last = the first/last ' +
      `client to receive each change, over the ${CHANGES} changes (nearest rank: p99 of ${CHANGES} = the worst).`,
    '',
    table(
      [
        'server',
        'clients',
        'reference',
        'p50',
        'p99',
        'max',
        'first p50',
        'last p50',
        'last p99',
        'missed',
        'gaps/reordered',
      ],
      rows,
      1,
    ),
    '',
  ];
  for (const run of runs) {
    const details = [`patch ${count(run.patchBytes)} B`, `connected in ${fixed(run.connectSeconds)} s`];
    if (run.proof)
      details.push(
        `server's delivery proof: every measured version applied by ≥ ${count(run.proof.applied)} of ${count(run.proof.audience)}`,
      );
    if (run.floorLoopMs !== undefined) details.push(`send loop median ${fixed(run.floorLoopMs, 2)} ms`);
    if (run.earlyHeartbeats > 0)
      details.push(`${count(run.earlyHeartbeats)} clients got a heartbeat before their snapshot`);
    if (run.dropped > 0) details.push(`${count(run.dropped)} connections closed by the server`);
    const overlapped = run.rounds.filter((round) => round.heartbeats > 0).length;
    if (overlapped > 0)
      details.push(`our 15 s heartbeat tick fell during ${overlapped} of the ${CHANGES} changes`);
    lines.push(`   ${run.target} at ${count(run.clients)}: ${details.join('; ')}`);
  }
  const verdicts: string[] = [];
  const largest = Math.max(...runs.map((run) => run.clients));
  for (const n of [...new Set(runs.map((run) => run.clients))]) {
    const ours = runs.find((run) => run.target === 'ours' && run.clients === n);
    const bare = runs.find((run) => run.target === 'floor' && run.clients === n);
    if (ours === undefined || bare === undefined) continue;
    const floorP99 = percentile(latencies(bare, 'floor-send').last, 0.99);
    const answered = percentile(latencies(ours, 'put-answered').last, 0.99) / floorP99;
    const sent = percentile(latencies(ours, 'put-sent').last, 0.99) / floorP99;
    lines.push(
      `   last-client p99 at ${count(n)}: ours/floor = ${fixed(answered, 2)}× from the PUT's answer, ` +
        `${fixed(sent, 2)}× from just before the PUT`,
    );
    if (n === largest)
      verdicts.push(
        verdict(
          answered <= TARGET_VS_FLOOR,
          `change-to-last-client p99 at ${count(n)} clients ≤ ${TARGET_VS_FLOOR}× the bare ws floor (from the PUT's answer)`,
          `${fixed(answered, 2)}×`,
        ),
      );
  }
  const lost = runs.reduce(
    (sum, run) => sum + run.gaps + run.reordered + run.rounds.reduce((s, r) => s + r.missing, 0),
    0,
  );
  verdicts.push(
    verdict(
      lost === 0,
      'no client missed or reordered a version',
      `${count(lost)} missed, skipped or reordered`,
    ),
  );
  return { lines, verdicts };
}
