/** The scale benchmark's knobs, from environment variables (the defaults are the figures). */
export interface ScaleConfig {
  readonly clients: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly instances: number;
  readonly clientProcesses: number;
  /** Flags written in turn; each is written every `flags / perSecond` s, never twice at once. */
  readonly flags: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
}

const KNOBS = {
  SCALE_CLIENTS: { fallback: 10_000, min: 1, max: 100_000 },
  SCALE_SECONDS: { fallback: 60, min: 1, max: 3_600 },
  SCALE_RATE: { fallback: 50, min: 1, max: 1_000 },
  SCALE_INSTANCES: { fallback: 3, min: 1, max: 16 },
  SCALE_CLIENT_PROCESSES: { fallback: 2, min: 1, max: 16 },
  SCALE_FLAGS: { fallback: 50, min: 1, max: 1_000 },
} as const;

export class ScaleConfigError extends Error {
  override readonly name = 'ScaleConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv): ScaleConfig {
  const knob = (name: keyof typeof KNOBS) => {
    const { fallback, min, max } = KNOBS[name];
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new ScaleConfigError(`${name} must be an integer from ${min} to ${max}, not "${text}"`);
    return value;
  };
  return {
    clients: knob('SCALE_CLIENTS'),
    seconds: knob('SCALE_SECONDS'),
    perSecond: knob('SCALE_RATE'),
    instances: knob('SCALE_INSTANCES'),
    clientProcesses: knob('SCALE_CLIENT_PROCESSES'),
    flags: knob('SCALE_FLAGS'),
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
  };
}
