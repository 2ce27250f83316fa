import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { cpuSeconds } from '../delivery/processes.js';

/** CPU time one write costs each process on its path, in µs, and the rate the machine's cores allow. */
export interface CpuPerWrite {
  serverUs: number;
  postgresUs: number;
  loadGeneratorUs: number;
  /** Writes per second if every core did nothing but this: the machine's ceiling for this write path. */
  ceilingPerSecond: number;
}

/**
 * Accounts for the CPU of a measured run: the server process, the Postgres backends serving the
 * benchmark's database (found in pg_stat_activity, so other databases' work is left out) and this load
 * generator. Throughput alone cannot say whether a target is out of reach on a machine; CPU per write
 * can: on N cores, no arrangement of the same work does more than N / (CPU per write) writes a second.
 */
export function accountCpu(serverPid: number, databaseUrl: string): { stop(writes: number): CpuPerWrite } {
  const readBackends = () => {
    const database = new URL(databaseUrl).pathname.slice(1);
    const output = execFileSync(
      'psql',
      [
        databaseUrl,
        '-Atc',
        `select pid from pg_stat_activity where datname = '${database}' and pid <> pg_backend_pid()`,
      ],
      { encoding: 'utf8' },
    );
    return new Map(
      output
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => [Number(line), safeCpuSeconds(Number(line))]),
    );
  };
  const serverStart = cpuSeconds(serverPid);
  const backendsStart = readBackends();
  const ownStart = process.cpuUsage();
  return {
    stop(writes) {
      const own = process.cpuUsage(ownStart);
      const server = cpuSeconds(serverPid) - serverStart;
      let postgres = 0;
      for (const [pid, seconds] of readBackends()) postgres += seconds - (backendsStart.get(pid) ?? 0);
      const perWrite = (seconds: number) => (seconds * 1e6) / writes;
      const cpu = {
        serverUs: perWrite(server),
        postgresUs: perWrite(postgres),
        loadGeneratorUs: perWrite((own.user + own.system) / 1e6),
      };
      const total = cpu.serverUs + cpu.postgresUs + cpu.loadGeneratorUs;
      return { ...cpu, ceilingPerSecond: (cpus().length * 1e6) / total };
    },
  };
}

function safeCpuSeconds(pid: number): number {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0;
  }
}
