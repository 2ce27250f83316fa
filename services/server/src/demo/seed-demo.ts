import type { Services } from '../app.js';
import type { StoredFlagConfig } from '../features/flag-configs/flag-config.js';
import type { WriteContext } from '../write-context.js';

/** What the quickstart prints: the keys exist only here, in clear, once. */
/** The demo's release, left as a draft. */
export const DEMO_RELEASE = 'winter-sale';

export interface DemoKeys {
  serverKey: string;
  clientKey: string;
  environment: string;
}

const SEEDED_BY: WriteContext = { actor: 'demo-seed', reason: 'quickstart demo data' };
const DEMO_ENVIRONMENT = 'development';

/** True when the database holds no environment yet: the quickstart seeds only a fresh installation. */
export async function isEmpty(services: Services): Promise<boolean> {
  return (await services.environments.list()).length === 0;
}

/**
 * A small, realistic starting point: three environments (production protected), a beta audience, a
 * boolean release ramped to 25 %, a client-side string flag, a number and a JSON flag, plus SDK keys for
 * development. Written through the services, so every row is audited like any other change.
 */
export async function seedDemo(services: Services): Promise<DemoKeys> {
  for (const [key, name, isProtected] of [
    ['development', 'Development', false],
    ['staging', 'Staging', false],
    ['production', 'Production', true],
  ] as const) {
    await services.environments.create({ key, name, protected: isProtected }, SEEDED_BY);
  }
  await services.segments.create(
    DEMO_ENVIRONMENT,
    'beta-testers',
    {
      name: 'Beta testers',
      description: 'People who opted in to early features',
      included: ['alice', 'bob'],
      excluded: [],
      rules: [
        { id: 'staff', conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@example.com'] }] },
      ],
    },
    SEEDED_BY,
  );

  await flag(services, {
    key: 'new-checkout',
    name: 'New checkout',
    description: 'The redesigned checkout flow, released to beta testers and then by percentage',
    type: 'boolean',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    clientSide: true,
    config: {
      enabled: true,
      offVariant: 'off',
      targets: [],
      rules: [
        {
          id: 'beta',
          conditions: [{ attribute: 'key', operator: 'inSegment', values: ['beta-testers'] }],
          serve: { variant: 'on' },
        },
      ],
      fallthrough: {
        rollout: {
          variants: [
            { variant: 'on', weight: 25_000 },
            { variant: 'off', weight: 75_000 },
          ],
        },
      },
      prerequisites: [],
    },
  });
  await flag(services, {
    key: 'banner-color',
    name: 'Banner colour',
    description: 'Colour of the home page banner',
    type: 'string',
    variants: [
      { key: 'blue', value: '#1d4ed8' },
      { key: 'green', value: '#15803d' },
    ],
    clientSide: true,
    config: fixed('blue', 'blue'),
  });
  await flag(services, {
    key: 'search-page-size',
    name: 'Search page size',
    description: 'Results per search page',
    type: 'number',
    variants: [
      { key: 'small', value: 10 },
      { key: 'large', value: 50 },
    ],
    clientSide: false,
    config: fixed('small', 'large'),
  });
  await flag(services, {
    key: 'pricing-rules',
    name: 'Pricing rules',
    description: 'Discount configuration read by the pricing service',
    type: 'json',
    variants: [
      { key: 'standard', value: { discountPercent: 0 } },
      { key: 'winter-sale', value: { discountPercent: 15, endsAt: '2027-01-31' } },
    ],
    clientSide: false,
    config: fixed('standard', 'standard'),
  });

  // A draft: nothing changes until someone schedules it (the quickstart prints how).
  await services.releases.create(
    DEMO_ENVIRONMENT,
    DEMO_RELEASE,
    {
      name: 'Winter sale pricing',
      notes: 'Staged: 10 % now, 50 % after an hour, everyone the next day',
      components: [{ flag: 'pricing-rules', variant: 'winter-sale' }],
      audiences: [],
      plan: [
        { percent: 10, approval: false },
        { percent: 50, delay: '1h', approval: false },
        { percent: 100, delay: '1d', approval: false },
      ],
      windows: [],
      catchUp: 'replay',
    },
    SEEDED_BY,
  );

  const server = await services.keys.create(
    { kind: 'server', name: 'demo-server-sdk', environment: DEMO_ENVIRONMENT },
    SEEDED_BY,
  );
  const client = await services.keys.create(
    { kind: 'client', name: 'demo-browser-sdk', environment: DEMO_ENVIRONMENT },
    SEEDED_BY,
  );
  return { serverKey: server.key, clientKey: client.key, environment: DEMO_ENVIRONMENT };
}

interface DemoFlag {
  key: string;
  name: string;
  description: string;
  type: 'boolean' | 'string' | 'number' | 'json';
  variants: { key: string; value: import('@unveil/core').JsonValue }[];
  clientSide: boolean;
  config: StoredFlagConfig;
}

async function flag(services: Services, { config, ...definition }: DemoFlag): Promise<void> {
  await services.flags.create(
    { ...definition, tags: ['demo'], owner: 'quickstart', temporary: true },
    SEEDED_BY,
  );
  await services.flagConfigs.put(DEMO_ENVIRONMENT, definition.key, config, SEEDED_BY);
}

/** An enabled flag serving one variant to everyone. */
function fixed(offVariant: string, served: string): StoredFlagConfig {
  return {
    enabled: true,
    offVariant,
    targets: [],
    rules: [],
    fallthrough: { variant: served },
    prerequisites: [],
  };
}
