import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveInfrastructure } from '../bootstrap/infrastructure';
import { describeError } from '../common/errors/describe-error';
import { differingKeys, keyFingerprints } from './backup-format';
import { parseRestoreArgs } from './cli-args';
import { restoreDatabase } from './restore';

/** `npm run restore -- FILE [--force]`: into DATABASE_URL, or the embedded database in DATA_DIR (fresh or, with --force, existing). */
async function main(): Promise<void> {
  const args = parseRestoreArgs(process.argv.slice(2));
  const file = resolve(args.file);
  if (!existsSync(file)) throw new Error(`No such backup file: ${file}`);
  const infra = await resolveInfrastructure(process.env, { startBroker: false });
  try {
    if (infra.database && !infra.database.owned)
      throw new Error("A running ArcGate server is using this DATA_DIR's database; stop it before restoring");
    const { header, rows } = await restoreDatabase(infra.config.databaseUrl, file, { force: args.force });
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    console.log(`Restored ${file} (made ${header.createdAt}): ${total} rows in ${Object.keys(rows).length} tables`);
    const differ = differingKeys(header.keys, keyFingerprints(infra.config.secrets));
    if (differ.length) {
      console.warn(
        `Warning: ${differ.join(', ')} differ from the ones the backup was made with: copy secrets.json from the original DATA_DIR (or set those variables) before npm start, or encrypted personal data, printed codes and device grants will not verify.`,
      );
    }
  } finally {
    await infra.stop();
  }
}

main().catch((e) => {
  console.error(`Restore failed: ${describeError(e)}`);
  process.exit(1);
});
