import 'reflect-metadata';
import { describeError } from '../common/errors/describe-error';
import { resolveInfrastructure } from '../bootstrap/infrastructure';
import { runMigrations } from './data-source';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
async function main(): Promise<void> {
  const infra = await resolveInfrastructure(process.env, { startBroker: false });
  try {
    const applied = await runMigrations(infra.config.databaseUrl);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
  } finally {
    await infra.stop();
  }
}

main().catch((e) => {
  console.error(describeError(e));
  process.exit(1);
});
