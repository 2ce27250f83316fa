#!/usr/bin/env node
/**
 * `unveil-audit-verify`: checks the audit log's hash chains in the database the server is configured for
 * (the same environment variables as the server). Exit code 0 when every chain holds, 1 when not, 2 when
 * it cannot run.
 */
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { verifyAuditChains } from './features/audit/audit-verify.js';

async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const db = await openDatabase(config.database);
  try {
    const report = await db.transaction(verifyAuditChains, { readOnlySnapshot: true });
    console.log(`audit log: ${report.verified} entries verified, ${report.unchained} older than the chain`);
    for (const [chain, head] of Object.entries(report.heads)) console.log(`  head of ${chain}: ${head}`);
    for (const { id, chain, problem } of report.problems)
      console.log(`TAMPERED: entry ${id} (${chain}): ${problem}`);
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  },
);
