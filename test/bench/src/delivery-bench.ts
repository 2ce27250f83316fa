/**
 * Delivery benchmark: what the server's SDK delivery path costs, against bare floors, all on loopback.
 *
 *   node --import tsx src/delivery-bench.ts [config] [fanout]     (both if none is named)
 *
 *   1. config   GET /sdk/v1/config requests/s (200 and 304) vs a bare Fastify app answering 304
 *   2. fanout   change-to-client latency at 10,000 and 1,000 websocket clients vs a bare ws broadcast,
 *   3.          and, in the same run, server RSS per idle connection (ours and the floor's)
 *
 * Every server, load generator and client pool is its own process (src/delivery/*). The report prints
 * PASS/FAIL lines for the targets; they never fail the process (exit 1 only if a measurement crashed).
 */
import { loadavg } from 'node:os';
import { measureConfigThroughput, reportConfigThroughput } from './delivery/config-throughput.js';
import { measureFanout, reportFanout } from './delivery/fanout-latency.js';
import { reportIdleMemory } from './delivery/idle-memory.js';
import { openFilesLimit } from './delivery/processes.js';
import { count, machineLine, type Section } from './delivery/report.js';

const WANTED_CLIENTS = 10_000;
const SMALL_CLIENTS = 1_000;
/** Descriptors a process needs besides its sockets (modules, PGlite files, pipes). */
const FD_HEADROOM = 500;

const sections = ['config', 'fanout'] as const;
const args = process.argv.slice(2);
const unknown = args.filter((arg) => !(sections as readonly string[]).includes(arg));
if (unknown.length > 0) {
  console.error(`unknown section(s) ${unknown.join(', ')}; known: ${sections.join(', ')}`);
  process.exit(2);
}
const selected = args.length > 0 ? sections.filter((s) => args.includes(s)) : sections;

const started = Date.now();
const loadAtStart = loadavg()[0]!;
const limits = openFilesLimit();
// The server holds one descriptor per client; children get the soft limit raised to the hard one.
const largest = Math.min(WANTED_CLIENTS, Math.floor((limits.hard - FD_HEADROOM) / 1000) * 1000);
const sizes = largest > SMALL_CLIENTS ? [largest, SMALL_CLIENTS] : [largest];
const notes = [
  `Open files: soft ${count(limits.soft)}, hard ${count(limits.hard)}; children run with the soft limit raised to the hard one.`,
];
if (largest < WANTED_CLIENTS)
  notes.push(
    `${count(WANTED_CLIENTS)} clients do not fit this machine's open-files limit: measured at ${count(largest)}.`,
  );

const log = (line: string) => console.error(line);
const results: Section[] = [];
let crashed = false;
try {
  if (selected.includes('config')) {
    log('config throughput…');
    results.push(reportConfigThroughput(await measureConfigThroughput(log)));
  }
  if (selected.includes('fanout')) {
    log('fan-out latency and idle memory…');
    const fanout = await measureFanout(sizes, log);
    results.push(reportFanout(fanout.runs), reportIdleMemory(fanout.memory));
  }
} catch (error) {
  crashed = true;
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
}

const out = [
  `Unveil delivery benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  machineLine(loadAtStart),
  'Everything runs on loopback on this one machine: servers, load generator and clients share its cores.',
  ...notes,
  '',
];
for (const section of results) out.push(...section.lines, '');
out.push('Targets (reported only; they do not fail the run)');
for (const section of results) out.push(...section.verdicts);
out.push('', `(total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
console.log(out.join('\n'));
process.exitCode = crashed ? 1 : 0;
