/**
 * Runs the example service against an Unveil server:
 *
 *   UNVEIL_SDK_KEY=unv_srv_… npx pnpm@10 --filter @unveil/example-node-service start
 *
 * Environment: UNVEIL_URL (default http://localhost:4000), UNVEIL_SDK_KEY (a server key, required),
 * FLAG (default new-checkout), PORT (default 3000).
 */
import { createClient } from '@unveil/sdk';
import { createService } from './service.js';

const url = process.env.UNVEIL_URL ?? 'http://localhost:4000';
const sdkKey = process.env.UNVEIL_SDK_KEY;
const flag = process.env.FLAG ?? 'new-checkout';
const port = Number(process.env.PORT ?? 3000);
if (sdkKey === undefined || sdkKey === '') {
  process.stderr.write('Set UNVEIL_SDK_KEY to a server key (`npx pnpm@10 start` prints one).\n');
  process.exit(1);
}

const client = createClient({
  url,
  sdkKey,
  // Start from the last configuration seen if the Unveil server is down when this service starts.
  cache: '.unveil/flags-cache.json',
  app: { version: '1.0.0' },
  onError: (error) => process.stderr.write(`unveil: ${error.message}\n`),
});
client.on('change', (keys) =>
  process.stdout.write(`changed: ${keys.join(', ')} (version ${client.version})\n`),
);
const state = await client.ready();
process.stdout.write(`Unveil client ${state} at version ${client.version ?? '-'}\n`);

const server = createService({ client, flag }).listen(port, () => {
  process.stdout.write(
    `Listening on http://localhost:${port}\n` +
      `  curl 'http://localhost:${port}/?user=alice'\n` +
      `  curl -N 'http://localhost:${port}/watch?user=carol'   # one line per change of ${flag}\n`,
  );
});

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  void client.close().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
