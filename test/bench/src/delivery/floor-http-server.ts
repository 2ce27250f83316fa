/**
 * The HTTP floor: a bare Fastify app (the server's Fastify version) with one route that answers the
 * config request with 304 when If-None-Match equals a constant ETag — what a 304 costs with nothing of
 * ours in the way. Prints its address once listening.
 */
import Fastify from 'fastify';

const ETAG = '"development-7-server"';
const BODY = Buffer.from(JSON.stringify({ type: 'snapshot', version: 7, flags: [], segments: [] }));

const app = Fastify({ logger: false });
app.get('/sdk/v1/config', async (request, reply) => {
  reply.header('etag', ETAG).header('cache-control', 'no-cache');
  if (request.headers['if-none-match'] === ETAG) return reply.status(304).send();
  return reply.type('application/json').send(BODY);
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening at ${address} etag ${ETAG}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
// Never outlive the benchmark: its IPC channel closes when it exits, however it exits.
process.on('disconnect', () => process.exit(0));
