#!/usr/bin/env node
import { pino } from 'pino';
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';

/** Reads the configuration, migrates, listens, and shuts down cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel });
  const db = await openDatabase(config.database);
  await db.migrate();
  const app = await buildApp({ db, clock: systemClock, logger, config });
  const generatedKey = await app.services.keys.ensureBootstrapKey(config.adminKey);
  if (generatedKey !== undefined) {
    // Shown once: only its hash is stored. Written to stdout rather than the log so it is not shipped.
    process.stdout.write(
      `\nNo admin key existed, so one was created. Store it now; it will not be shown again:\n\n  ${generatedKey}\n\n`,
    );
  }

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`,
  );
  process.exit(1);
});
