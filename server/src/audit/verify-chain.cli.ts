import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { describeError } from '../common/errors/describe-error';
import { resolveInfrastructure } from '../bootstrap/infrastructure';
import { dataSourceOptions } from '../database/data-source';
import { verifyAuditChain } from './audit-chain';
import { AuditEntry } from './audit-entry.entity';

/** `npm run audit:verify`: exit 0 when the chain is intact, 2 with the first broken id otherwise. */
async function main(): Promise<number> {
  const infra = await resolveInfrastructure(process.env, { startBroker: false });
  const ds = new DataSource(dataSourceOptions(infra.config.databaseUrl, [AuditEntry]));
  try {
    await ds.initialize();
    const report = await verifyAuditChain(ds);
    if (report.ok) {
      console.log(`Audit chain intact: ${report.checked} entries verified`);
      return 0;
    }
    console.error(
      `Audit chain BROKEN at entry ${report.firstBrokenId}: ${report.reason} (${report.checked} entries verified before it)`,
    );
    return 2;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await infra.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(describeError(e));
    process.exit(1);
  },
);
