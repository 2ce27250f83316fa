/**
 * The admin load: flag-configuration PUTs at a fixed rate (open loop: a slow answer does not slow the
 * schedule), round robin over the instances and over the flags. Write `seq` serves `on` to the target
 * key `w<seq>` alone, so every client frame says which writes it carries. A flag's writes are chained —
 * never two at once on one flag — so that its markers arrive in order; a write that must wait for the
 * previous one on its flag is counted as late.
 */
import { sleep } from '../delivery/processes.js';
import { marker } from './protocol.js';

export interface WriteLoad {
  readonly urls: readonly string[];
  readonly adminKey: string;
  readonly environment: string;
  readonly flags: readonly string[];
  readonly perSecond: number;
  readonly seconds: number;
  /** The first write's sequence number (they continue across runs, e.g. warm-up then measurement). */
  readonly firstSeq: number;
  /** Called just before each PUT, and once it is answered (status undefined: no answer at all). */
  readonly sending: (seq: number, at: number) => void;
  readonly answered: (seq: number, status: number | undefined, at: number) => void;
}

export interface WriteStats {
  readonly issued: number;
  /** Answers by HTTP status ("none": the request failed without one). */
  readonly statuses: Record<string, number>;
  /** Time to answer of each PUT, ms. */
  readonly latenciesMs: number[];
  /** Writes that waited for the previous write of their flag to be answered. */
  readonly late: number;
  readonly nextSeq: number;
  /** From the first scheduled write to the last answer, s. */
  readonly elapsedSeconds: number;
}

export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

export async function runWrites(load: WriteLoad): Promise<WriteStats> {
  const total = Math.round(load.perSecond * load.seconds);
  const chains = load.flags.map(() => Promise.resolve());
  /** Writes scheduled on each flag and not yet answered. */
  const inFlight = load.flags.map(() => 0);
  const statuses: Record<string, number> = {};
  const latenciesMs: number[] = [];
  let late = 0;
  const started = monotonicMs();

  const put = async (seq: number) => {
    const flag = load.flags[seq % load.flags.length]!;
    const url = load.urls[seq % load.urls.length]!;
    const body = JSON.stringify({
      enabled: true,
      offVariant: 'off',
      fallthrough: { variant: 'off' },
      targets: [{ variant: 'on', keys: [marker(seq)] }],
    });
    const sentAt = monotonicMs();
    load.sending(seq, sentAt);
    let status: number | undefined;
    try {
      const response = await fetch(`${url}/api/v1/environments/${load.environment}/flags/${flag}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${load.adminKey}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = undefined;
    }
    const answeredAt = monotonicMs();
    latenciesMs.push(answeredAt - sentAt);
    const key = String(status ?? 'none');
    statuses[key] = (statuses[key] ?? 0) + 1;
    load.answered(seq, status, answeredAt);
  };

  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / load.perSecond;
    const wait = due - monotonicMs();
    if (wait > 0) await sleep(wait);
    const seq = load.firstSeq + i;
    const slot = seq % load.flags.length;
    if (inFlight[slot]! > 0) late++;
    inFlight[slot]!++;
    chains[slot] = chains[slot]!.then(async () => {
      await put(seq);
      inFlight[slot]!--;
    });
  }
  await Promise.all(chains);
  return {
    issued: total,
    statuses,
    latenciesMs,
    late,
    nextSeq: load.firstSeq + total,
    elapsedSeconds: (monotonicMs() - started) / 1000,
  };
}
