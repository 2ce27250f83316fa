/**
 * Measurement 3: server memory per idle connection — resident set size (VmRSS) with no client after a
 * warm-up, and with N idle clients once the process has settled; (rss_N − rss_0) / N. Read during the
 * fan-out run (fanout-latency.ts), before its first change at the largest N.
 */
import { type NodeChild, rssBytes, sleep } from './processes.js';
import { count, fixed, median, type Section, table, verdict } from './report.js';

/** How long to let the heap settle (GC, freed handshake buffers) before reading RSS. */
export const SETTLE_MS = 5_000;
const SAMPLE_EVERY_MS = 500;
/** Target: at most this many KiB of server RSS per idle connection. */
const TARGET_KIB = 12;

export interface IdleMemory {
  readonly target: 'ours' | 'floor';
  readonly clients: number;
  readonly idle: MemoryReading;
  readonly connected: MemoryReading;
}

/** Heap figures the server sends back after its forced GCs (gc-on-signal.ts). */
interface GcReport {
  readonly gc: { readonly heapUsed: number; readonly heapTotal: number; readonly external: number };
}

/** A settled reading: resident memory, and the V8 heap plus external memory after full GCs. */
export interface MemoryReading {
  readonly rss: number;
  /** V8 heapUsed + external. */
  readonly heap: number;
  /** V8 heap committed but unused (heapTotal − heapUsed): resident pages new objects reuse first. */
  readonly heapFree: number;
}

/**
 * Has the process collect its garbage (two full GCs each time, twice, 1 s apart; see gc-on-signal.ts),
 * then samples RSS every 0.5 s for `settleMs`; RSS is the median of the last three samples.
 */
export async function settledMemory(child: NodeChild, settleMs = SETTLE_MS): Promise<MemoryReading> {
  const collect = async () => {
    const report = child.next<GcReport>((message) => 'gc' in message, 10_000);
    process.kill(child.pid, 'SIGUSR2');
    return (await report).gc;
  };
  await collect();
  await sleep(1_000);
  const { heapUsed, heapTotal, external } = await collect();
  const samples: number[] = [];
  for (let waited = 0; waited < settleMs; waited += SAMPLE_EVERY_MS) {
    await sleep(SAMPLE_EVERY_MS);
    samples.push(rssBytes(child.pid));
  }
  return { rss: median(samples.slice(-3)), heap: heapUsed + external, heapFree: heapTotal - heapUsed };
}

/** KiB per connection of one figure: (with N − with none) / N. */
const perConnection = (row: IdleMemory, figure: 'rss' | 'heap') =>
  (row.connected[figure] - row.idle[figure]) / row.clients / 1024;
const mib = (bytes: number) => fixed(bytes / 2 ** 20);

export function reportIdleMemory(rows: readonly IdleMemory[]): Section {
  const lines = [
    '3. Server memory per idle connection — VmRSS of the server process with 0 clients (after a warm-up of ' +
      'connections and changes) and with N idle clients (hello done, snapshot received), each read after',
    '   forced full GCs (SIGUSR2 → gc(), preloaded by the benchmark) as the median of the last 3 samples over ' +
      `${SETTLE_MS / 1000} s; heap = V8 heapUsed + external after those GCs. KiB/conn = (reading at N − at 0) / N.`,
    '',
    table(
      ['server', 'N', 'RSS 0 MiB', 'RSS N MiB', 'RSS KiB/conn', 'heap 0 MiB', 'heap N MiB', 'heap KiB/conn'],
      rows.map((row) => [
        row.target === 'ours' ? 'Unveil (ours)' : 'bare ws (floor)',
        count(row.clients),
        mib(row.idle.rss),
        mib(row.connected.rss),
        fixed(perConnection(row, 'rss')),
        mib(row.idle.heap),
        mib(row.connected.heap),
        fixed(perConnection(row, 'heap')),
      ]),
    ),
    '',
  ];
  for (const row of rows) {
    if (perConnection(row, 'heap') <= perConnection(row, 'rss')) continue;
    lines.push(
      `   ${row.target}: RSS grew less than the heap because the idle process already held ` +
        `${mib(row.idle.heapFree)} MiB of V8 heap committed but unused, which the connections filled first.`,
    );
  }
  const ours = rows.find((row) => row.target === 'ours');
  const floor = rows.find((row) => row.target === 'floor');
  if (ours !== undefined && floor !== undefined) {
    lines.push(
      `   ours/floor per connection: RSS ${fixed(perConnection(ours, 'rss') / perConnection(floor, 'rss'), 2)}×, ` +
        `heap ${fixed(perConnection(ours, 'heap') / perConnection(floor, 'heap'), 2)}×`,
    );
  }
  // The larger of the two, since the RSS delta understates what connections keep when they reuse free pages.
  const worst = ours === undefined ? 0 : Math.max(perConnection(ours, 'rss'), perConnection(ours, 'heap'));
  const verdicts =
    ours === undefined
      ? []
      : [
          verdict(
            worst <= TARGET_KIB,
            `server memory ≤ ${TARGET_KIB} KiB per idle connection at ${count(ours.clients)} clients ` +
              '(the larger of the RSS and heap deltas)',
            `${fixed(worst)} KiB`,
          ),
        ];
  return { lines, verdicts };
}
