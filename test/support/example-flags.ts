import { type AdminApi, type Seeded, seed } from './admin-api.js';

/** The quickstart's demo flags that the browser and React examples show. */
export const BANNER = 'banner-color';
export const CHECKOUT = 'new-checkout';
export const SERVER_ONLY = 'search-page-size';

/** The demo's banner flag: a client-side string flag, blue (`#1d4ed8`) or green. */
export const BANNER_FLAG = {
  type: 'string',
  clientSide: true,
  variants: [
    { key: 'blue', value: '#1d4ed8' },
    { key: 'green', value: '#15803d' },
  ],
};

/** An environment with the examples' flags: the banner blue, the server-only flag serving 10. */
export async function seedExampleFlags(admin: AdminApi): Promise<Seeded> {
  const seeded = await seed(admin, {
    [BANNER]: BANNER_FLAG,
    [CHECKOUT]: { clientSide: true },
    [SERVER_ONLY]: { type: 'number', variants: [{ key: 'small', value: 10 }] },
  });
  await admin.serve(seeded.environment, BANNER, 'blue');
  await admin.serve(seeded.environment, SERVER_ONLY, 'small');
  return seeded;
}
