/** The scale benchmark's printed report: configuration, writes, delivery, correctness, resources. */
import { count, fixed, machineLine, percentile, table, verdict } from '../delivery/report.js';
import type { ScaleConfig } from './config.js';
import type { LatencyHistogram } from './histogram.js';
import type { ClientResults } from './protocol.js';
import type { ProcessUsage } from './resources.js';
import type { WriteStats } from './writer.js';

/** Issue 7's latency target for a change to reach clients on every instance. */
export const TARGET_P99_MS = 100;

export interface ScaleRun {
  readonly config: ScaleConfig;
  readonly startedAt: Date;
  readonly loadAtStart: number;
  readonly connected: number;
  readonly connectFailures: number;
  readonly writes: WriteStats;
  /** The clients' counts summed over the client processes (histograms merged separately). */
  readonly clients: Omit<ClientResults, 'fromSent' | 'fromAnswer'>;
  readonly fromSent: LatencyHistogram;
  readonly fromAnswer: LatencyHistogram;
  readonly finalVersion: number;
  readonly usage: readonly ProcessUsage[];
}

export function correctnessHolds(run: ScaleRun): boolean {
  const { clients } = run;
  return (
    clients.lost === 0 &&
    clients.gaps === 0 &&
    clients.reordered === 0 &&
    clients.atFinal === clients.clients &&
    run.connectFailures === 0
  );
}

export function buildReport(run: ScaleRun): string {
  const { config, writes, clients, fromSent, fromAnswer } = run;
  const sortedPut = [...writes.latenciesMs].sort((a, b) => a - b);
  const answered2xx = Object.entries(writes.statuses)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  const p99 = fromSent.quantile(0.99);
  const achievedRate = writes.issued / writes.elapsedSeconds;
  const row = (reference: string, histogram: LatencyHistogram) => [
    reference,
    count(histogram.count),
    fixed(histogram.quantile(0.5)),
    fixed(histogram.quantile(0.99)),
    fixed(histogram.maxMs),
  ];
  return [
    `Unveil scale benchmark — ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    machineLine(run.loadAtStart),
    `${config.instances} instances on one Postgres database and one Redis; ${count(config.clients)} websocket ` +
      `clients (SDK protocol, acks) in ${config.clientProcesses} processes, round robin over the instances; ` +
      `${config.perSecond} flag-configuration PUTs/s for ${config.seconds} s over ${config.flags} flags, ` +
      'round robin over the instances. Everything runs on this one machine.',
    '',
    `clients connected: ${count(run.connected)} (${count(run.connectFailures)} failed)`,
    `writes: ${count(writes.issued)} issued in ${fixed(writes.elapsedSeconds)} s ` +
      `(${fixed(achievedRate)}/s); answers ${formatStatuses(writes.statuses)}; ` +
      `${count(writes.late)} waited for the previous write of their flag`,
    `PUT answer time: p50 ${fixed(percentile(sortedPut, 0.5))} ms, p99 ${fixed(percentile(sortedPut, 0.99))} ms, ` +
      `max ${fixed(sortedPut.at(-1) ?? Number.NaN)} ms`,
    '',
    'Delivery: until the client holds the write (or a later write of the same flag)',
    table(
      ['from', '(write, client) pairs', 'p50 ms', 'p99 ms', 'max ms'],
      [row('PUT sent (end to end)', fromSent), row('PUT answered', fromAnswer)],
    ),
    `${count(clients.beforeAnswer)} pairs reached the client before the writer had the PUT's answer (counted as 0 ms from it)`,
    `expected pairs: ${count(answered2xx)} answered writes × ${count(clients.clients)} clients = ` +
      `${count(answered2xx * clients.clients)}; patch frames received: ${count(clients.patches)}`,
    '',
    'Correctness (each must be 0)',
    table(
      ['lost (client, write) pairs', 'gaps', 'out of order', 'clients behind the final version', 'dropped'],
      [
        [
          count(clients.lost),
          count(clients.gaps),
          count(clients.reordered),
          count(clients.clients - clients.atFinal),
          count(clients.dropped),
        ],
      ],
    ),
    `final version ${run.finalVersion}`,
    '',
    'Processes (RSS in MiB; CPU in % of one core, averaged from the start of the measured writes until every client settled)',
    table(
      ['process', 'RSS start', 'RSS peak', 'RSS end', 'CPU %'],
      run.usage.map((usage) => [
        usage.name,
        fixed(usage.rssStartMiB),
        fixed(usage.rssPeakMiB),
        fixed(usage.rssEndMiB),
        fixed(usage.cpuPercent),
      ]),
    ),
    '',
    verdict(
      correctnessHolds(run),
      'no lost or out-of-order patch, every client at the final version',
      `${count(clients.lost)} lost, ${count(clients.gaps)} gaps, ${count(clients.reordered)} out of order, ` +
        `${count(clients.clients - clients.atFinal)} behind`,
    ),
    verdict(p99 <= TARGET_P99_MS, `delivery p99 ≤ ${TARGET_P99_MS} ms (end to end)`, `${fixed(p99)} ms`),
    verdict(
      achievedRate >= 0.95 * config.perSecond,
      `admin writes kept up with ${config.perSecond}/s`,
      `${fixed(achievedRate)}/s (every write goes on the same environment's version, one at a time)`,
    ),
  ].join('\n');
}

function formatStatuses(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${count(n)}`)
    .join(', ');
}
