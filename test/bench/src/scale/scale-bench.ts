/**
 * Scale benchmark (issue 7): several instances, many SDK connections spread over them, a steady stream
 * of admin writes; end-to-end delivery latency, lost and out-of-order patches, per-process RSS and CPU.
 *
 *   pnpm bench:scale                                  (10,000 clients, 50 writes/s, 60 s)
 *   SCALE_CLIENTS=2000 SCALE_SECONDS=10 pnpm bench:scale
 *
 * Needs Postgres and Redis (DATABASE_URL, REDIS_URL; local defaults). Prints figures and PASS/FAIL;
 * exits 1 when correctness fails (a lost, skipped or reordered patch, a client left behind), 2 when
 * it cannot run. A missed latency target is reported, not fatal. See README.md beside this file.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase } from '../admin/scratch-database.js';
import { type NodeChild, openFilesLimit, sleep, spawnNode } from '../delivery/processes.js';
import { readConfig, ScaleConfigError } from './config.js';
import { LatencyHistogram } from './histogram.js';
import { startDeployment } from './instances.js';
import type { ClientEvent, ClientResults, ParentCommand } from './protocol.js';
import { buildReport, correctnessHolds, type ScaleRun } from './report.js';
import { sampleResources } from './resources.js';
import { monotonicMs, runWrites } from './writer.js';

const ENVIRONMENT = 'scale';
type CountField = {
  [K in keyof ClientResults]: ClientResults[K] extends number ? K : never;
}[keyof ClientResults];
const WARMUP_SECONDS = 2;
const SETTLE_TIMEOUT_MS = 60_000;
const CLIENT_PROCESS = fileURLToPath(new URL('./client-process.ts', import.meta.url));

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env);
} catch (error) {
  if (!(error instanceof ScaleConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const perProcess = Math.ceil(config.clients / config.clientProcesses);
if (openFilesLimit().hard < perProcess + 100) {
  console.error(
    `each client process needs ${perProcess + 100} open files; the hard limit is ${openFilesLimit().hard}`,
  );
  process.exit(2);
}

const startedAt = new Date();
const loadAtStart = loadavg()[0]!;
const database = createScratchDatabase(config.databaseUrl);
const deployment = await startDeployment(config.instances, database.url, config.redisUrl).catch((error) => {
  database.drop();
  throw error;
});
const clientProcesses: NodeChild[] = [];
let exitCode = 0;
try {
  const [first] = deployment.instances;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${first!.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${deployment.adminKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  await api('POST', '/environments', { key: ENVIRONMENT, name: ENVIRONMENT });
  const flags = Array.from({ length: config.flags }, (_, i) => `scale-${i}`);
  for (const flag of flags) await api('POST', '/flags', { key: flag, name: flag, type: 'boolean' });
  const sdkKey = (
    await api('POST', '/keys', { kind: 'server', name: 'scale-bench', environment: ENVIRONMENT })
  ).key as string;

  for (let i = 0; i < config.clientProcesses; i++) {
    const child = spawnNode(CLIENT_PROCESS);
    clientProcesses.push(child);
    await child.next<ClientEvent>((event) => event.event === 'ready');
  }
  const tell = (command: ParentCommand) => {
    for (const child of clientProcesses) child.send(command);
  };
  const connectStarted = monotonicMs();
  const connected = await Promise.all(
    clientProcesses.map((child, i) => {
      const firstClient = i * perProcess;
      child.send({
        cmd: 'connect',
        urls: deployment.instances.map((instance) => instance.url),
        firstClient,
        count: Math.max(0, Math.min(perProcess, config.clients - firstClient)),
        sdkKey,
        flags: config.flags,
        concurrency: 100,
      } satisfies ParentCommand);
      return child.next<Extract<ClientEvent, { event: 'connected' }>>(
        (event) => event.event === 'connected',
        300_000,
      );
    }),
  );
  const open = connected.reduce((sum, event) => sum + event.open, 0);
  const failed = connected.reduce((sum, event) => sum + event.failed, 0);
  console.error(
    `${open} clients connected in ${((monotonicMs() - connectStarted) / 1000).toFixed(1)} s` +
      (failed > 0 ? `; ${failed} failed: ${connected.find((event) => event.firstError)?.firstError}` : ''),
  );

  const urls = deployment.instances.map((instance) => instance.url);
  const writeLoad = (firstSeq: number, seconds: number, measured: boolean) =>
    runWrites({
      urls,
      adminKey: deployment.adminKey,
      environment: ENVIRONMENT,
      flags,
      perSecond: config.perSecond,
      seconds,
      firstSeq,
      sending: (seq, at) => tell({ cmd: 'sending', seq, at, measured }),
      answered: (seq, status, at) =>
        tell({ cmd: 'answered', seq, ok: status !== undefined && status >= 200 && status < 300, at }),
    });
  const warmup = await writeLoad(0, WARMUP_SECONDS, false);
  await sleep(1_000);

  const sampler = sampleResources([
    ...deployment.instances.map((instance, i) => ({ name: `instance ${i + 1}`, pid: instance.child.pid })),
    ...clientProcesses.map((child, i) => ({ name: `client process ${i + 1}`, pid: child.pid })),
    { name: 'load generator (this)', pid: process.pid },
  ]);
  console.error(`measuring: ${config.perSecond} writes/s for ${config.seconds} s`);
  const writes = await writeLoad(warmup.nextSeq, config.seconds, true);
  const finalVersion = Number((await api('GET', `/environments/${ENVIRONMENT}`)).snapshotVersion);
  tell({ cmd: 'settle', finalVersion, timeoutMs: SETTLE_TIMEOUT_MS });
  const settled = await Promise.all(
    clientProcesses.map((child) =>
      child.next<Extract<ClientEvent, { event: 'settled' }>>(
        (event) => event.event === 'settled',
        SETTLE_TIMEOUT_MS + 30_000,
      ),
    ),
  );
  const usage = sampler.stop();

  const fromSent = new LatencyHistogram();
  const fromAnswer = new LatencyHistogram();
  for (const { results } of settled) {
    fromSent.merge(results.fromSent);
    fromAnswer.merge(results.fromAnswer);
  }
  const sum = (field: CountField) => settled.reduce((total, { results }) => total + results[field], 0);
  const run: ScaleRun = {
    config,
    startedAt,
    loadAtStart,
    connected: open,
    connectFailures: failed,
    writes,
    clients: {
      clients: sum('clients'),
      atFinal: sum('atFinal'),
      gaps: sum('gaps'),
      reordered: sum('reordered'),
      lost: sum('lost'),
      dropped: sum('dropped'),
      patches: sum('patches'),
      beforeAnswer: sum('beforeAnswer'),
    },
    fromSent,
    fromAnswer,
    finalVersion,
    usage,
  };
  console.log(buildReport(run));
  if (!correctnessHolds(run)) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 2;
} finally {
  for (const child of clientProcesses) child.send({ cmd: 'close' } satisfies ParentCommand);
  await Promise.all(clientProcesses.map((child) => child.stop(5_000)));
  await deployment.stop();
  database.drop();
}
process.exit(exitCode);
