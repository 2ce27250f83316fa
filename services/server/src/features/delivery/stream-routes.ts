import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import type { DeliveryService } from './delivery-service.js';
import { type PresentedKey, presentedKey, type SdkKeyAuthenticator } from './sdk-key-auth.js';
import { type StreamLimits, type StreamObserver, StreamSession } from './stream-session.js';

export interface StreamOptions extends StreamLimits {
  /** How often open connections' keys are checked again (revocation takes effect within about this). */
  keyRecheckMs: number;
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
    // Each open session with the key it presented, checked again every keyRecheckMs.
    const sessions = new Map<StreamSession, PresentedKey>();
    const now = () => clock.now().getTime();

    const ticker = setInterval(() => {
      const frame = Buffer.from(
        JSON.stringify({ type: 'heartbeat', at: now(), intervalMs: options.heartbeatMs }),
      );
      for (const session of sessions.keys()) session.heartbeat(frame);
    }, options.heartbeatMs);
    ticker.unref();

    // A revoked key must stop working on open sockets too, within about a second. The authenticator
    // caches each key's answer for its TTL, so this costs one lookup per distinct key per interval.
    const recheck = setInterval(() => {
      const byKey = new Map<string, { key: PresentedKey; sessions: StreamSession[] }>();
      for (const [session, key] of sessions) {
        const id = `${key.fromQuery}:${key.key}`;
        const group = byKey.get(id) ?? { key, sessions: [] };
        group.sessions.push(session);
        byKey.set(id, group);
      }
      for (const { key, sessions: sharing } of byKey.values()) {
        void auth.authenticate(key).then(
          (result) => {
            for (const session of sharing) session.authenticated(result);
          },
          () => {}, // the database is away: keep serving what is in memory
        );
      }
    }, options.keyRecheckMs);
    recheck.unref();

    await app.register(websocket, {
      options: { maxPayload: options.maxFrameBytes },
      // Replaces the plugin's default, which closes every socket without a word: ours says goaway first.
      preClose(this: FastifyInstance, done: () => void) {
        clearInterval(ticker);
        clearInterval(recheck);
        for (const session of sessions.keys()) session.goAway(options.goawayRetryMs, 'server shutting down');
        this.websocketServer.close(() => done());
      },
    });

    app.get('/sdk/v1/stream', { websocket: true, config: { access: 'public' } }, (socket, request) => {
      const session = new StreamSession(socket, delivery, options, observer, now);
      const key = presentedKey(request.headers.authorization, (request.query as { key?: unknown }).key);
      sessions.set(session, key);
      socket.on('close', () => sessions.delete(session));
      void auth
        .authenticate(key)
        .then((result) => session.authenticated(result))
        .catch(() => session.unavailable());
    });
  };
}
