import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import type { DeliveryService } from './delivery-service.js';
import { presentedKey, type SdkKeyAuthenticator } from './sdk-key-auth.js';
import { type StreamLimits, type StreamObserver, StreamSession } from './stream-session.js';

export interface StreamOptions extends StreamLimits {
  /** Largest frame a client may send; bigger ones close the connection (1009). */
  maxFrameBytes: number;
  /** The reconnect hint given to clients when this instance shuts down. */
  goawayRetryMs: number;
}

/**
 * `GET /sdk/v1/stream`: the websocket SDKs keep open (design.md §5). One heartbeat timer serves every
 * socket; shutting the app down says `goaway` to each before closing it.
 */
export function streamRoutes(deps: {
  delivery: DeliveryService;
  auth: SdkKeyAuthenticator;
  clock: Clock;
  options: StreamOptions;
  observer: StreamObserver;
}) {
  const { delivery, auth, clock, options, observer } = deps;
  return async (app: FastifyInstance) => {
    await app.register(websocket, { options: { maxPayload: options.maxFrameBytes } });
    const sessions = new Set<StreamSession>();
    const now = () => clock.now().getTime();

    const ticker = setInterval(() => {
      const frame = Buffer.from(
        JSON.stringify({ type: 'heartbeat', at: now(), intervalMs: options.heartbeatMs }),
      );
      for (const session of sessions) session.heartbeat(frame);
    }, options.heartbeatMs);
    ticker.unref();

    app.addHook('preClose', async () => {
      clearInterval(ticker);
      for (const session of sessions) session.goAway(options.goawayRetryMs, 'server shutting down');
    });

    app.get('/sdk/v1/stream', { websocket: true, config: { access: 'public' } }, (socket, request) => {
      const session = new StreamSession(socket, delivery, options, observer, now);
      sessions.add(session);
      socket.on('close', () => sessions.delete(session));
      const query = request.query as { key?: unknown };
      void auth
        .authenticate(presentedKey(request.headers.authorization, query.key))
        .then((result) => session.authenticated(result))
        .catch(() => session.unavailable());
    });
  };
}
