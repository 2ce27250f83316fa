import { z } from 'zod';

function integer(min: number, max: number, what: string) {
  const error = `must be ${what}: an integer from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const environmentSchema = z.object({
  PORT: integer(0, 65_535, 'a TCP port').default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .exactOptional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).exactOptional(),
  UNVEIL_DATA_DIR: z.string().min(1).default('./.unveil'),
  UNVEIL_ADMIN_KEY: z.string().min(32, 'must be at least 32 characters').exactOptional(),
  LOG_LEVEL: logLevel.default('info'),
  UNVEIL_BODY_LIMIT: integer(1024, 100 * 1024 * 1024, 'a size in bytes').default(1024 * 1024),
  UNVEIL_ADMIN_RATE_LIMIT: integer(1, 1_000_000, 'requests per minute per address').default(1_200),
  UNVEIL_SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 'milliseconds').default(10_000),
  UNVEIL_DATABASE_TIMEOUT_MS: integer(100, 600_000, 'milliseconds').default(5_000),
  UNVEIL_SCHEDULER_INTERVAL_MS: integer(10, 60_000, 'milliseconds').default(250),
  UNVEIL_CATCH_UP_TOLERANCE_MS: integer(0, 86_400_000, 'milliseconds').default(60_000),
  UNVEIL_DEMO: z
    .enum(['1', 'true', '0', 'false'], { error: 'must be 1, true, 0 or false' })
    .default('false')
    .transform((value) => value === '1' || value === 'true'),
});

export interface ServerConfig {
  port: number;
  host: string;
  database: { databaseUrl: string } | { dataDir: string };
  /** Set when several instances run: changes travel between them through Redis pub/sub. */
  redisUrl?: string;
  adminKey?: string;
  logLevel: z.infer<typeof logLevel>;
  /** Largest accepted request body, in bytes; larger ones get 413. */
  bodyLimit: number;
  /** Admin-API requests per minute from one address; more get 429 (this also caps key guessing). */
  adminRateLimit: number;
  shutdownTimeoutMs: number;
  /** How long an admin request waits on Postgres, all its transactions together, before answering 503. */
  databaseTimeoutMs: number;
  /** How often the release scheduler looks for due steps, and when a late step counts as missed. */
  scheduler: { intervalMs: number; catchUpToleranceMs: number };
  /** Seed demo data (environments, flags, an audience, SDK keys) into an empty database. */
  demo: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Reads the server's configuration from environment variables; throws one error naming every bad one. */
export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = environmentSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const parsed = result.data;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    database:
      parsed.DATABASE_URL === undefined
        ? { dataDir: parsed.UNVEIL_DATA_DIR }
        : { databaseUrl: parsed.DATABASE_URL },
    ...(parsed.UNVEIL_ADMIN_KEY === undefined ? {} : { adminKey: parsed.UNVEIL_ADMIN_KEY }),
    ...(parsed.REDIS_URL === undefined ? {} : { redisUrl: parsed.REDIS_URL }),
    logLevel: parsed.LOG_LEVEL,
    bodyLimit: parsed.UNVEIL_BODY_LIMIT,
    adminRateLimit: parsed.UNVEIL_ADMIN_RATE_LIMIT,
    shutdownTimeoutMs: parsed.UNVEIL_SHUTDOWN_TIMEOUT_MS,
    databaseTimeoutMs: parsed.UNVEIL_DATABASE_TIMEOUT_MS,
    scheduler: {
      intervalMs: parsed.UNVEIL_SCHEDULER_INTERVAL_MS,
      catchUpToleranceMs: parsed.UNVEIL_CATCH_UP_TOLERANCE_MS,
    },
    demo: parsed.UNVEIL_DEMO,
  };
}
