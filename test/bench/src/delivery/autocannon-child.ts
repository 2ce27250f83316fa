/**
 * Load-generator process for the config benchmark: runs autocannon (programmatic API) whenever the
 * parent asks, so the load never shares a process, an event loop or a heap with the server.
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly connections: number;
  readonly pipelining: number;
  readonly durationS: number;
}

export interface LoadResult {
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly total: number;
  /** Responses by status code. */
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
}

process.on('message', async (request: LoadRequest) => {
  const result = await autocannon({ ...request, duration: request.durationS, method: 'GET' });
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats?.count ?? 0]),
  );
  const answer: LoadResult = {
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    total: result.requests.total,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.send!(answer);
});
process.send!({ ready: true });
// Never outlive the benchmark: its IPC channel closes when it exits, however it exits.
process.on('disconnect', () => process.exit(0));
