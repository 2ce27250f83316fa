/**
 * `kill -9` while the scheduler applies release stages: a stage is all of its components in one
 * transaction, so after the restart every stage went out exactly once and whole — never some components
 * of a stage without the others — and the releases finish by themselves.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../../services/server/test/support/services.js';
import { type Seeded, seed } from '../support/admin-api.js';
import { sleep, startServer, type UnveilServer } from '../support/unveil-server.js';

const RELEASES = 24;
const COMPONENTS = 2;
const STAGES = [20, 60, 100];
const flagOf = (release: number, component: number) => `kr-${release}-${component}`;

interface AuditRow {
  action: string;
  resourceType: string;
  resourceKey: string;
  reason: string | null;
}

describeWithServices('kill -9 while release stages are applied', ['DATABASE_URL'], () => {
  let server: UnveilServer;
  let seeded: Seeded;

  beforeAll(async () => {
    server = await startServer({ env: { UNVEIL_SCHEDULER_INTERVAL_MS: '50' } });
    const flags = Array.from({ length: RELEASES }, (_, r) =>
      Array.from({ length: COMPONENTS }, (_, c) => [flagOf(r, c), {}] as const),
    ).flat();
    seeded = await seed(server.admin, Object.fromEntries(flags), 'kill-release');
  }, 120_000);

  afterAll(async () => {
    await server?.dispose();
  }, 60_000);

  it('applies every stage once and whole, and finishes after the restart', async () => {
    const releases = `/api/v1/environments/${seeded.environment}/releases`;
    const startAt = new Date(Date.now() + 3_000);
    for (let r = 0; r < RELEASES; r++) {
      await server.admin.expect(201, 'POST', releases, {
        key: `kr-${r}`,
        name: `kr-${r}`,
        components: Array.from({ length: COMPONENTS }, (_, c) => ({ flag: flagOf(r, c), variant: 'on' })),
        plan: STAGES.map((percent, i) =>
          i === 0 ? { percent, startAt: startAt.toISOString() } : { percent, delay: '1s' },
        ),
      });
      await server.admin.expect(200, 'POST', `${releases}/kr-${r}/schedule`, {});
    }
    // Into the first stages' transactions, then once more into the second stages'.
    await sleep(Math.max(0, startAt.getTime() - Date.now()) + 30);
    const kills = [Date.now()];
    await server.kill();
    await server.start();
    await sleep(1_000);
    kills.push(Date.now());
    await server.kill();
    await server.start();

    await expect
      .poll(
        async () => {
          const { body } = await server.admin.expect(200, 'GET', `${releases}?state=completed`);
          return body.items.length;
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBe(RELEASES);

    const applied: number[] = [];
    for (let r = 0; r < RELEASES; r++) {
      const { body } = await server.admin.expect(200, 'GET', `${releases}/kr-${r}/record`);
      for (const step of body.steps as { appliedAt: string | null }[]) {
        if (step.appliedAt !== null) applied.push(Date.parse(step.appliedAt));
      }
    }
    const before = (at: number) => applied.filter((time) => time < at).length;
    console.info(
      `${applied.length} stages applied: ${before(kills[0]!)} before the first kill, ` +
        `${before(kills[1]!) - before(kills[0]!)} between the kills, ${applied.length - before(kills[1]!)} after`,
    );

    const entries = await auditOf(server, seeded.environment);
    for (let r = 0; r < RELEASES; r++) {
      const key = `kr-${r}`;
      const stages = entries.filter((entry) => entry.resourceType === 'release' && entry.resourceKey === key);
      expect(
        stages.filter((entry) => entry.action === 'release.stage'),
        key,
      ).toHaveLength(STAGES.length);
      STAGES.forEach((_, stage) => {
        const written = entries.filter(
          (entry) =>
            entry.action === 'flag-config.release-stage' &&
            entry.reason?.startsWith(`release ${key}: stage ${stage + 1} of`) === true,
        );
        // Every component once: whole, and only once.
        expect(written.map((entry) => entry.resourceKey).sort(), `${key} stage ${stage + 1}`).toEqual(
          Array.from({ length: COMPONENTS }, (_, c) => flagOf(r, c)).sort(),
        );
      });
      for (let c = 0; c < COMPONENTS; c++) {
        const { body } = await server.admin.expect(
          200,
          'GET',
          `/api/v1/environments/${seeded.environment}/flags/${flagOf(r, c)}`,
        );
        expect(body.rules[0]).toMatchObject({ id: `release.${key}` });
        expect(body.rules[0].serve.rollout.variants[0].weight).toBe(100_000);
      }
    }
  }, 150_000);
});

async function auditOf(server: UnveilServer, environment: string): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  let before: number | null = null;
  do {
    const query: string = `environment=${environment}&limit=500${before === null ? '' : `&before=${before}`}`;
    const { body } = await server.admin.expect(200, 'GET', `/api/v1/audit?${query}`);
    rows.push(...(body.items as AuditRow[]));
    before = body.nextCursor;
  } while (before !== null);
  return rows;
}
