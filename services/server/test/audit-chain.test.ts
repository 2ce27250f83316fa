import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { desc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog } from '../src/db/schema.js';
import { verifyAuditChains } from '../src/features/audit/audit-verify.js';
import { booleanConfig, createEnvironment, createFlag } from './support/fixtures.js';
import { describeWithServices } from './support/services.js';
import { type TestApp, useTestApp } from './support/test-app.js';

const testApp = useTestApp();
const verify = () => testApp().db.transaction(verifyAuditChains);

/** drizzle wraps the database's error; the trigger's message is its cause. */
const REFUSED = { cause: expect.objectContaining({ message: expect.stringMatching(/append-only/) }) };

/** Changes history the way an intruder with the table owner's rights would: past the trigger. */
async function tamper(t: TestApp, statement: ReturnType<typeof sql>): Promise<void> {
  await t.db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
  });
}

async function someHistory(t: TestApp): Promise<{ env: string; flag: string }> {
  const env = await createEnvironment(t);
  const flag = await createFlag(t);
  // Concurrent writers on one chain, and pipelined appends of one transaction, must still form one chain.
  await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      t.request({
        method: 'PUT',
        url: `/api/v1/environments/${env}/flags/${flag}`,
        body: booleanConfig({ fallthrough: { variant: i % 2 === 0 ? 'on' : 'off' }, reason: `write ${i}` }),
      }),
    ),
  );
  return { env, flag };
}

describeWithServices('the audit:verify command', ['DATABASE_URL'], () => {
  it('prints the chains and exits 0, or names the tampered entry and exits 1', async () => {
    const t = testApp();
    await someHistory(t);
    const run = () =>
      promisify(execFile)('node', ['--import', 'tsx', 'src/audit-verify.ts'], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, DATABASE_URL: t.databaseUrl! },
      }).then(
        (result) => ({ code: 0, stdout: result.stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    const clean = await run();
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^audit log: \d+ entries verified, 0 older than the chain$/m);
    const [latest] = await t.db.transaction((tx) =>
      tx.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1),
    );
    await tamper(t, sql`update audit_log set actor = 'someone-else' where id = ${latest!.id}`);
    const tampered = await run();
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(`TAMPERED: entry ${latest!.id}`);
    // Put it back: the file's other tests start from an intact log.
    await tamper(t, sql`update audit_log set actor = ${latest!.actor} where id = ${latest!.id}`);
    expect((await run()).code).toBe(0);
  });
});

describe('audit hash chain', () => {
  it('chains every entry, per environment and for global changes, under concurrent writers', async () => {
    await someHistory(testApp());
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report.verified).toBe(await testApp().db.transaction((tx) => tx.$count(auditLog)));
    expect(Object.keys(report.heads)).toContain('(no environment)');
  });

  it('refuses to update or delete entries', async () => {
    const t = testApp();
    await expect(
      t.db.transaction((tx) => tx.execute(sql`update audit_log set reason = 'x'`)),
    ).rejects.toMatchObject(REFUSED);
    await expect(t.db.transaction((tx) => tx.execute(sql`delete from audit_log`))).rejects.toMatchObject(
      REFUSED,
    );
  });

  it('finds an altered entry and a removed one', async () => {
    const t = testApp();
    const { env } = await someHistory(t);
    const rows = await t.db.transaction((tx) =>
      tx
        .select({ id: auditLog.id })
        .from(auditLog)
        .where(eq(auditLog.environmentKey, env))
        .orderBy(auditLog.id),
    );
    const [, second, third, fourth] = rows.map((row) => row.id);
    await tamper(t, sql`update audit_log set reason = 'nothing to see' where id = ${second!}`);
    await tamper(t, sql`delete from audit_log where id = ${third!}`);
    const { problems } = await verify();
    expect(problems).toEqual([
      { id: second, chain: env, problem: 'content does not match its hash (the entry was altered)' },
      {
        id: fourth,
        chain: env,
        problem: 'does not link to the entry before it (one was removed or reordered)',
      },
    ]);
  });
});
