#!/usr/bin/env node
import { pino } from 'pino';
import { buildApp } from './app.js';
import { RedisBus } from './bus/redis-bus.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { quickstartMessage } from './demo/quickstart-message.js';
import { isEmpty, seedDemo } from './demo/seed-demo.js';

/** Reads the configuration, migrates, listens, and shuts down cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel });
  const db = await openDatabase(config.database);
  await db.migrate();
  const bus =
    config.redisUrl === undefined
      ? undefined
      : await RedisBus.connect(config.redisUrl, {
          onProblem: (problem, err) => logger.warn({ err }, problem),
        });
  const app = await buildApp({ db, clock: systemClock, logger, config, ...(bus ? { bus } : {}) });
  const generatedKey = await app.services.keys.ensureBootstrapKey(config.adminKey);
  const demo = config.demo && (await isEmpty(app.services)) ? await seedDemo(app.services) : undefined;
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
    await bus?.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  const address = await app.listen({ port: config.port, host: config.host });
  // Keys exist in clear only here, once: written to stdout, never to the log that gets shipped.
  const baseUrl = address.replace('://0.0.0.0', '://localhost').replace('://[::]', '://localhost');
  if (generatedKey !== undefined || config.demo)
    process.stdout.write(quickstartMessage(baseUrl, generatedKey, demo));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`,
  );
  process.exit(1);
});
