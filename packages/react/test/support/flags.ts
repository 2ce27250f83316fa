import type { FlagDefinition } from './live-server.js';

export const CHECKOUT = 'new-checkout';
export const BANNER = 'banner-color';
export const BLUE = '#1d4ed8';
export const GREEN = '#15803d';

/** The two client-side flags every React test renders: a boolean checkout and a string banner colour. */
export const CHECKOUT_AND_BANNER: Record<string, FlagDefinition> = {
  [CHECKOUT]: { clientSide: true },
  [BANNER]: {
    type: 'string',
    clientSide: true,
    variants: [
      { key: 'blue', value: BLUE },
      { key: 'green', value: GREEN },
    ],
  },
};
