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
    const sessions = new Set<StreamSession>();
    const now = () => clock.now().getTime();

    const ticker = setInterval(() => {
      const frame = Buffer.from(
        JSON.stringify({ type: 'heartbeat', at: now(), intervalMs: options.heartbeatMs }),
      );
      for (const session of sessions) session.heartbeat(frame);
    }, options.heartbeatMs);
    ticker.unref();

    await app.register(websocket, {
      options: { maxPayload: options.maxFrameBytes },
      // Replaces the plugin's default, which closes every socket without a word: ours says goaway first.
      preClose(this: FastifyInstance, done: () => void) {
        clearInterval(ticker);
        for (const session of sessions) session.goAway(options.goawayRetryMs, 'server shutting down');
        this.websocketServer.close(() => done());
      },
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
