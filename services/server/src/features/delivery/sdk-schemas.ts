import { z } from 'zod';

const version = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const label = z.string().max(200);

/**
 * Frames an SDK may send on the stream. Unknown fields are dropped rather than refused: a newer SDK may
 * say more than this server understands.
 */
export const clientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    version: version.optional(),
    sdk: z.object({ name: label, version: label }),
    app: z.object({ version: label.optional(), build: label.optional() }).optional(),
  }),
  z.object({ type: z.literal('ack'), version }),
]);

export type ClientFrame = z.infer<typeof clientFrame>;

/** Close codes in the private range (4000–4999): a browser SDK sees only these, never an HTTP status. */
export const CLOSE = {
  /** The server is shutting down or moving this client: reconnect elsewhere after the goaway hint. */
  goingAway: 1001,
  badFrame: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  /** No hello within the allowed time. */
  helloTimeout: 4408,
  /** The client did not read fast enough: its buffer passed the bound. */
  tooSlow: 4429,
  /** A server key was presented in the URL. */
  keyInUrl: 4400,
  /** The environment could not be loaded. */
  unavailable: 4503,
} as const;

const count = z.int().min(0).max(1_000_000_000);
const epochMs = z.int().min(0).max(8_640_000_000_000_000);

/** `POST /sdk/v1/events`: bounded so that one batch costs bounded memory and time. */
export const eventsBatch = z.object({
  sdk: z.object({ name: label, version: label }),
  app: z.object({ version: label.optional(), build: label.optional() }).optional(),
  from: epochMs,
  to: epochMs,
  exposures: z.array(z.object({ flag: label, variant: label, count })).max(10_000),
  tracked: z
    .array(
      z.object({
        event: label,
        key: z.string().max(512).optional(),
        value: z.number().optional(),
        at: epochMs,
      }),
    )
    .max(10_000),
  dropped: count.optional(),
});
