import {
  createDatabase,
  newAdminKey,
  type ServerDatabase,
  startServer,
  type UnveilServer,
} from './unveil-server.js';

/** Several server processes of one deployment: one Postgres database, one admin key, one bus. */
export interface Cluster {
  readonly instances: readonly UnveilServer[];
  readonly database: ServerDatabase;
  /** Ends every instance and drops the database. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * Starts `size` instances on a new database of the Postgres server named by DATABASE_URL (PGlite admits
 * one process at a time, so it cannot back a cluster). `env` reaches every instance, e.g. the REDIS_URL of
 * their bus.
 */
export async function startCluster(size: number, env: Record<string, string> = {}): Promise<Cluster> {
  const database = await createDatabase();
  if (database.url === undefined) {
    await database.dispose();
    throw new Error('startCluster needs DATABASE_URL: instances can share Postgres, not PGlite');
  }
  const adminKey = newAdminKey();
  const started = await Promise.allSettled(
    Array.from({ length: size }, () => startServer({ database, adminKey, env })),
  );
  const instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  let disposed = false;
  const cluster: Cluster = {
    instances,
    database,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all(instances.map((instance) => instance.dispose()));
      await database.dispose();
    },
  };
  const failure = started.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    await cluster.dispose();
    throw failure.reason;
  }
  return cluster;
}
