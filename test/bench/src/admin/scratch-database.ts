import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** A Postgres database of its own for one benchmark run, created from DATABASE_URL and dropped after. */
export interface ScratchDatabase {
  readonly url: string;
  drop(): void;
}

export function createScratchDatabase(baseUrl: string): ScratchDatabase {
  const name = `unveil_bench_${randomBytes(6).toString('hex')}`;
  const psql = (sql: string) =>
    execFileSync('psql', [baseUrl, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'pipe' });
  psql(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => psql(`drop database if exists ${name} with (force)`) };
}
