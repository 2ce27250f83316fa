/**
 * Measurement 1: `GET /sdk/v1/config` requests/s, full answers (200) and revalidations (304), against
 * the same request on a bare Fastify app answering 304 (the HTTP floor). autocannon runs in its own
 * process; each server in its own. Besides requests/s (bounded by whichever side saturates first, on a
 * shared 2-core machine), the server's own CPU time per request is read from /proc.
 */
import type { LoadRequest, LoadResult } from './autocannon-child.js';
import {
  cpuSeconds,
  type NodeChild,
  packageVersion,
  readUntil,
  SERVER_DIR,
  spawnNode,
  startUnveil,
} from './processes.js';
import { count, fixed, median, type Section, table, verdict } from './report.js';

export const CONNECTIONS = 50;
export const WARMUP_S = 3;
/** Each row is measured in this many slices of SLICE_S seconds (10 s in all), alternating with its peer. */
const SLICES = 5;
const SLICE_S = 2;
const PIPELINING = [1, 10] as const;
/** Target: our 304 at least this share of the floor's requests/s. */
const TARGET_SHARE_OF_FLOOR = 0.8;

export interface ThroughputRow {
  readonly target: 'ours' | 'floor';
  readonly status: 200 | 304;
  readonly pipelining: number;
  readonly bodyBytes: number;
  /** Requests/s of each slice. */
  readonly rps: number[];
  /** Medians over the slices of each slice's p50 and p99 latency, ms. */
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly total: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
  /** Server CPU seconds (user + system) per request, over the measured slices. */
  readonly cpuPerRequest: number;
}

export interface ConfigThroughput {
  readonly rows: ThroughputRow[];
  readonly fastifyVersion: { server: string; floor: string };
}

/** One server as the load generator sees it. */
interface Endpoint {
  readonly target: 'ours' | 'floor';
  readonly pid: number;
  readonly url: string;
  readonly auth: Record<string, string>;
  readonly etag: string;
  readonly bodyBytes: number;
}

/**
 * Both servers run side by side. Ours' 200 rows are measured alone; each 304 row is measured together
 * with the floor's at the same pipelining, in alternating slices (ours, floor, ours, …), so that whatever
 * else loads the machine weighs on both alike.
 */
export async function measureConfigThroughput(log: (line: string) => void): Promise<ConfigThroughput> {
  const loader = spawnNode('autocannon-child.ts');
  const stops: (() => Promise<void>)[] = [() => loader.stop()];
  const rows: ThroughputRow[] = [];
  try {
    await loader.next<{ ready?: boolean }>((m) => m.ready === true);
    const server = await startUnveil([]);
    stops.push(() => server.stop());
    const floor = spawnNode('floor-http-server.ts');
    stops.push(() => floor.stop());
    const pattern = /listening at (\S+) etag (\S+)/;
    const [, floorAddress, floorEtag] = pattern.exec(await readUntil(floor, pattern, 30_000))!;

    const url = `${server.url}/sdk/v1/config`;
    const auth = { authorization: `Bearer ${server.serverKey}` };
    const first = await fetch(url, { headers: auth });
    const etag = first.headers.get('etag');
    const bodyBytes = (await first.arrayBuffer()).byteLength;
    if (first.status !== 200 || etag === null) throw new Error(`config answered ${first.status}`);
    const second = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    if (second.status !== 304) throw new Error(`config with If-None-Match answered ${second.status}`);
    const ours: Endpoint = { target: 'ours', pid: server.child.pid, url, auth, etag, bodyBytes };
    const bare: Endpoint = {
      target: 'floor',
      pid: floor.pid,
      url: `${floorAddress}/sdk/v1/config`,
      auth: { authorization: 'Bearer unv_srv_floor' },
      etag: floorEtag!,
      bodyBytes: 0,
    };

    const measured = (measuredRows: ThroughputRow[]) => {
      for (const row of measuredRows) {
        rows.push(row);
        log(`  ${row.target} ${row.status} pipelining ${row.pipelining}: ${count(median(row.rps))} req/s`);
      }
    };
    for (const pipelining of PIPELINING) measured(await alternate(loader, [ours], 200, pipelining));
    for (const pipelining of PIPELINING) measured(await alternate(loader, [ours, bare], 304, pipelining));
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
  return {
    rows,
    fastifyVersion: {
      server: packageVersion('fastify', SERVER_DIR),
      floor: packageVersion('fastify', new URL('.', import.meta.url).pathname),
    },
  };
}

/** A warm-up per endpoint, then SLICES rounds of one SLICE_S-second run per endpoint, in turn. */
async function alternate(
  loader: NodeChild,
  endpoints: readonly Endpoint[],
  status: 200 | 304,
  pipelining: number,
): Promise<ThroughputRow[]> {
  const load = (endpoint: Endpoint, durationS: number) => {
    const headers = status === 304 ? { ...endpoint.auth, 'if-none-match': endpoint.etag } : endpoint.auth;
    const request: LoadRequest = {
      url: endpoint.url,
      headers,
      connections: CONNECTIONS,
      pipelining,
      durationS,
    };
    loader.send(request);
    return loader.next<LoadResult>((m) => 'latencyP50Ms' in m, (durationS + 30) * 1000);
  };
  for (const endpoint of endpoints) await load(endpoint, WARMUP_S);
  const slices = new Map<Endpoint, { result: LoadResult; cpu: number }[]>(endpoints.map((e) => [e, []]));
  for (let i = 0; i < SLICES; i++) {
    for (const endpoint of endpoints) {
      const cpuBefore = cpuSeconds(endpoint.pid);
      const result = await load(endpoint, SLICE_S);
      slices.get(endpoint)!.push({ result, cpu: cpuSeconds(endpoint.pid) - cpuBefore });
    }
  }
  return endpoints.map((endpoint) => {
    const runs = slices.get(endpoint)!;
    const total = runs.reduce((sum, { result }) => sum + result.total, 0);
    const statuses: Record<string, number> = {};
    for (const { result } of runs)
      for (const [code, n] of Object.entries(result.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    return {
      target: endpoint.target,
      status,
      pipelining,
      bodyBytes: status === 200 ? endpoint.bodyBytes : 0,
      rps: runs.map(({ result }) => result.total / SLICE_S),
      latencyP50Ms: median(runs.map(({ result }) => result.latencyP50Ms)),
      latencyP99Ms: median(runs.map(({ result }) => result.latencyP99Ms)),
      total,
      statuses,
      errors: runs.reduce((sum, { result }) => sum + result.errors + result.timeouts, 0),
      cpuPerRequest: runs.reduce((sum, { cpu }) => sum + cpu, 0) / Math.max(1, total),
    };
  });
}

export function reportConfigThroughput({ rows, fastifyVersion }: ConfigThroughput): Section {
  const lines = [
    `1. GET /sdk/v1/config — autocannon (own process), ${CONNECTIONS} connections; per row ${WARMUP_S} s warm-up, ` +
      `then ${SLICES} slices of ${SLICE_S} s. Each 304 row of ours and the floor's are measured in alternating`,
    '   slices (ours, floor, ours, …) with both servers up, so other load on the machine weighs on both alike. ' +
      "req/s = median slice (min–max); latency = median of the slices' p50/p99.",
    `   Floor: bare Fastify ${fastifyVersion.floor} (the server uses ${fastifyVersion.server}), one route answering ` +
      '304 when If-None-Match equals a constant ETag.',
    '   Server CPU = user+system time of the server process during the slices ÷ requests: unlike req/s it does ' +
      'not depend on which side saturates first (load generator and server share the cores).',
    '',
    table(
      [
        'server',
        'answer',
        'pipelining',
        'req/s',
        'min–max',
        'p50 ms',
        'p99 ms',
        'server CPU µs/req',
        'statuses',
        'errors',
      ],
      rows.map((row) => [
        row.target === 'ours' ? 'Unveil (ours)' : 'bare Fastify (floor)',
        row.status === 200 ? `200 (${count(row.bodyBytes)} B)` : '304',
        String(row.pipelining),
        count(median(row.rps)),
        `${count(Math.min(...row.rps))}–${count(Math.max(...row.rps))}`,
        fixed(row.latencyP50Ms),
        fixed(row.latencyP99Ms),
        fixed(row.cpuPerRequest * 1e6),
        Object.entries(row.statuses)
          .map(([code, n]) => `${code}×${count(n)}`)
          .join(' '),
        count(row.errors),
      ]),
      3,
    ),
    '',
  ];
  const verdicts: string[] = [];
  for (const pipelining of PIPELINING) {
    const ours = rows.find((r) => r.target === 'ours' && r.status === 304 && r.pipelining === pipelining);
    const floor = rows.find((r) => r.target === 'floor' && r.pipelining === pipelining);
    if (ours === undefined || floor === undefined) continue;
    const share = median(ours.rps) / median(floor.rps);
    lines.push(
      `   304, pipelining ${pipelining}: ours/floor = ${fixed(share * 100)} % of the floor's req/s; ` +
        `server CPU per request ${fixed(ours.cpuPerRequest / floor.cpuPerRequest, 2)}× the floor's ` +
        `(${fixed((floor.cpuPerRequest / ours.cpuPerRequest) * 100)} % of the floor's requests per CPU-second)`,
    );
    const wrong = (ours.statuses['304'] ?? 0) !== ours.total;
    verdicts.push(
      verdict(
        share >= TARGET_SHARE_OF_FLOOR && !wrong,
        `config 304 ≥ ${TARGET_SHARE_OF_FLOOR * 100} % of the bare Fastify floor's req/s (pipelining ${pipelining})`,
        `${fixed(share * 100)} %${wrong ? ' (some answers were not 304)' : ''}`,
      ),
    );
  }
  return { lines, verdicts };
}
