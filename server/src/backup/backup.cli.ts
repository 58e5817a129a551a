import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { resolveInfrastructure } from '../bootstrap/infrastructure';
import { describeError } from '../common/errors/describe-error';
import { backupFileName, keyFingerprints } from './backup-format';
import { parseBackupArgs } from './cli-args';
import { dumpDatabase } from './dump';

/** `npm run backup`: a compressed, timestamped backup of DATABASE_URL (or the embedded database) into BACKUP_DIR (default DATA_DIR/backups). */
async function main(): Promise<void> {
  const args = parseBackupArgs(process.argv.slice(2));
  const infra = await resolveInfrastructure(process.env, { startBroker: false });
  try {
    const dir = resolve(args.dir ?? process.env.BACKUP_DIR ?? join(infra.config.dataDir, 'backups'));
    const { file, rows } = await dumpDatabase(
      infra.config.databaseUrl,
      join(dir, backupFileName(new Date())),
      keyFingerprints(infra.config.secrets),
    );
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    console.log(`Backup written: ${file} (${total} rows in ${Object.keys(rows).length} tables)`);
    console.log(
      'Keep DATA_DIR/secrets.json (or your JWT_SECRET, CODE_SIGNING_KEY, DATA_ENCRYPTION_KEY, DEVICE_SIGNING_KEY) safe too: personal data in the backup is encrypted with them.',
    );
  } finally {
    await infra.stop();
  }
}

main().catch((e) => {
  console.error(`Backup failed: ${describeError(e)}`);
  process.exit(1);
});
