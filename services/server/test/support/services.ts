import { describe, it } from 'vitest';

/** CI (and anyone who sets UNVEIL_REQUIRE_SERVICES=1) must run every test: a missing service fails. */
const servicesRequired = process.env.UNVEIL_REQUIRE_SERVICES === '1';

type ServiceVariable = 'DATABASE_URL' | 'REDIS_URL';

/**
 * `describe` for tests that need real services: on a laptop without them the block is skipped and its
 * name says why ("skipped: no Redis at REDIS_URL"); where services are required it fails instead.
 */
export function describeWithServices(
  name: string,
  needs: readonly ServiceVariable[],
  body: () => void,
): void {
  const missing = needs.filter((variable) => !process.env[variable]);
  if (missing.length === 0) {
    describe(name, body);
  } else if (servicesRequired) {
    describe(name, () => {
      it(`needs ${missing.join(' and ')}`, () => {
        throw new Error(
          `${missing.join(' and ')} must be set: UNVEIL_REQUIRE_SERVICES=1 requires every service`,
        );
      });
    });
  } else {
    describe.skip(`${name} (skipped: no ${missing.map(describeVariable).join(', no ')})`, body);
  }
}

function describeVariable(variable: ServiceVariable): string {
  return variable === 'REDIS_URL' ? 'Redis at REDIS_URL' : 'Postgres at DATABASE_URL';
}
