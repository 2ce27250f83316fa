import type { Flag } from '../src/model.js';
import { TOTAL_WEIGHT } from '../src/model.js';

/** A boolean flag with variants on (true) and off (false), on for everyone unless overridden. */
export function booleanFlag(key: string, overrides: Partial<Flag> = {}): Flag {
  return {
    key,
    type: 'boolean',
    enabled: true,
    offVariant: 'off',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    fallthrough: { variant: 'on' },
    ...overrides,
  };
}

/** A boolean flag serving `on` to `weight` of 100000 buckets, salted with `salt` (default: the key). */
export function rolloutFlag(key: string, weight: number, salt?: string): Flag {
  return booleanFlag(key, {
    fallthrough: {
      rollout: {
        ...(salt === undefined ? {} : { salt }),
        variants: [
          { variant: 'on', weight },
          { variant: 'off', weight: TOTAL_WEIGHT - weight },
        ],
      },
    },
  });
}
