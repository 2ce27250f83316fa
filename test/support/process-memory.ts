import { readFileSync } from 'node:fs';

/** Resident set size of a running process, in bytes (VmRSS of /proc/<pid>/status; Linux only). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}
