/** Memory and CPU of the benchmark's processes, read from /proc once a second during the run. */
import { cpuSeconds, rssBytes } from '../delivery/processes.js';
import { monotonicMs } from './writer.js';

export interface ProcessUsage {
  readonly name: string;
  readonly rssStartMiB: number;
  readonly rssPeakMiB: number;
  readonly rssEndMiB: number;
  /** Average CPU over the sampled span, in % of one core. */
  readonly cpuPercent: number;
}

export interface ResourceSampler {
  stop(): ProcessUsage[];
}

const MiB = 1024 * 1024;

export function sampleResources(processes: readonly { name: string; pid: number }[]): ResourceSampler {
  const startedAt = monotonicMs();
  const state = processes.map(({ name, pid }) => {
    const rss = rssBytes(pid);
    return { name, pid, cpuStart: cpuSeconds(pid), rssStart: rss, rssPeak: rss, rssEnd: rss };
  });
  const read = () => {
    for (const entry of state) {
      try {
        entry.rssEnd = rssBytes(entry.pid);
        entry.rssPeak = Math.max(entry.rssPeak, entry.rssEnd);
      } catch {
        // The process is gone: keep its last reading.
      }
    }
  };
  const timer = setInterval(read, 1_000);
  return {
    stop() {
      clearInterval(timer);
      read();
      const seconds = (monotonicMs() - startedAt) / 1000;
      return state.map((entry) => ({
        name: entry.name,
        rssStartMiB: entry.rssStart / MiB,
        rssPeakMiB: entry.rssPeak / MiB,
        rssEndMiB: entry.rssEnd / MiB,
        cpuPercent: ((cpuSeconds(entry.pid) - entry.cpuStart) / seconds) * 100,
      }));
    },
  };
}
