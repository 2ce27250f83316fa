/**
 * Serves the example page against an Unveil server:
 *
 *   UNVEIL_CLIENT_KEY=unv_cli_… npx pnpm@10 --filter @unveil/example-browser start
 *
 * Environment: UNVEIL_URL (default http://localhost:4000), UNVEIL_CLIENT_KEY (a client key; without it,
 * open the page with ?key=unv_cli_…), PORT (default 5173).
 */
import { startExampleServer } from './server.js';

const server = await startExampleServer({
  unveilUrl: process.env.UNVEIL_URL ?? 'http://localhost:4000',
  ...(process.env.UNVEIL_CLIENT_KEY ? { clientKey: process.env.UNVEIL_CLIENT_KEY } : {}),
  port: Number(process.env.PORT ?? 5173),
  host: 'localhost',
});
process.stdout.write(`Open ${server.url} (add ?user=alice to see the flags as alice)\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
