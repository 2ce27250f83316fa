/**
 * Admin write benchmark (issue: ≥ 1,000 sustained flag updates per second with audit, on real Postgres).
 *
 *   node --import tsx src/admin-bench.ts        (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 *
 * Starts the real server on a scratch Postgres database, creates flags, then keeps concurrent writers
 * busy flipping flag configurations through the admin API for a fixed time, first all in one environment
 * (writes to one environment are serialized by design: each bumps its snapshot version), then spread over
 * three. Afterwards it checks that every answered write left exactly one version and one snapshot bump.
 * Prints figures and PASS/FAIL; never fails the process on a missed target.
 */
import { cpus, loadavg } from 'node:os';
import { accountCpu, type CpuPerWrite } from './admin/cpu-per-write.js';
import { createScratchDatabase } from './admin/scratch-database.js';
import { runWriteLoad, type WriteLoadResult, type WriteTarget } from './admin/write-load.js';
import { startUnveil } from './delivery/processes.js';

const FLAGS = 96;
const CONCURRENCY = 32;
const SECONDS = 15;
const TARGET_PER_SECOND = 1_000;

const baseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const database = createScratchDatabase(baseUrl);
process.env.DATABASE_URL = database.url;
// The benchmark is one address sending thousands of requests a second.
process.env.UNVEIL_ADMIN_RATE_LIMIT = '1000000';
const loadBefore = loadavg()[0]!;
const server = await startUnveil([]);
try {
  const { url, adminKey } = server;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const flags = Array.from({ length: FLAGS }, (_, i) => `bench-flag-${i}`);
  for (const flag of flags) await api('POST', '/flags', { key: flag, name: flag, type: 'boolean' });
  // Environments of its own, unprotected: in a protected one a write is a change request, not an update.
  const environments = ['bench-1', 'bench-2', 'bench-3'];
  for (const key of environments) await api('POST', '/environments', { key, name: key });
  const snapshotVersion = async (environment: string) =>
    Number((await api('GET', `/environments/${environment}`)).snapshotVersion);
  const configVersion = async ({ environment, flag }: WriteTarget) =>
    Number((await api('GET', `/environments/${environment}/flags/${flag}`)).version);

  const runs: { label: string; result: WriteLoadResult; intact: boolean; cpu: CpuPerWrite }[] = [];
  for (const spread of [environments.slice(0, 1), environments]) {
    const targets: WriteTarget[] = flags.map((flag, i) => ({
      environment: spread[i % spread.length]!,
      flag,
    }));
    // Warm-up, then the measured run.
    await runWriteLoad(url, adminKey, targets, CONCURRENCY, 2);
    const warmVersions = await Promise.all(spread.map(snapshotVersion));
    const warmFlagVersions = await Promise.all(targets.map(configVersion));
    const account = accountCpu(server.child.pid, database.url);
    const result = await runWriteLoad(url, adminKey, targets, CONCURRENCY, SECONDS);
    const cpu = account.stop(result.succeeded);
    const after = await Promise.all(spread.map(snapshotVersion));
    const flagVersions = await Promise.all(targets.map(configVersion));
    const bumps = after.reduce((sum, v, i) => sum + v - warmVersions[i]!, 0);
    const newVersions = flagVersions.reduce((sum, version, i) => sum + version - warmFlagVersions[i]!, 0);
    runs.push({
      label: spread.length === 1 ? 'one environment' : `${spread.length} environments`,
      result,
      intact: bumps === result.succeeded && newVersions === result.succeeded,
      cpu,
    });
  }

  console.log(`Admin write benchmark — ${new Date().toISOString().slice(0, 16)} UTC`);
  console.log(
    `Node ${process.version}, server and load generator on the same machine (2 cores), Postgres at ${new URL(baseUrl).host}; ` +
      `load average ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log(
    `${FLAGS} flags, ${CONCURRENCY} concurrent writers, ${SECONDS} s per run after a 2 s warm-up\n`,
  );
  console.log(
    'run                 updates/s   p50 ms   p99 ms   failed   every answered write = 1 version + 1 bump',
  );
  for (const { label, result, intact } of runs) {
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
    console.log(
      `${label.padEnd(18)} ${(result.succeeded / result.seconds).toFixed(0).padStart(10)} ${q(0.5).toFixed(1).padStart(8)} ` +
        `${q(0.99).toFixed(1).padStart(8)} ${String(result.failed).padStart(8)}   ${intact ? 'yes' : 'NO'}`,
    );
  }
  console.log(
    '\nCPU per answered write, µs (server process | Postgres backends of this database | load generator)' +
      ` and the ceiling it sets on ${cpus().length} cores`,
  );
  for (const { label, cpu } of runs) {
    const us = (value: number) => value.toFixed(0).padStart(7);
    console.log(
      `${label.padEnd(18)} ${us(cpu.serverUs)} | ${us(cpu.postgresUs)} | ${us(cpu.loadGeneratorUs)}` +
        `   → at most ${cpu.ceilingPerSecond.toFixed(0)} writes/s`,
    );
  }
  const best = Math.max(...runs.map(({ result }) => result.succeeded / result.seconds));
  const one = runs[0]!.result.succeeded / runs[0]!.result.seconds;
  console.log(
    `\n${one >= TARGET_PER_SECOND ? 'PASS' : 'FAIL'}  ≥ ${TARGET_PER_SECOND} updates/s in one environment: ${one.toFixed(0)}/s`,
  );
  console.log(
    `${best >= TARGET_PER_SECOND ? 'PASS' : 'FAIL'}  ≥ ${TARGET_PER_SECOND} updates/s at best: ${best.toFixed(0)}/s`,
  );
} finally {
  await server.stop();
  database.drop();
}
