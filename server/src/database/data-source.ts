import { DataSource, DataSourceOptions } from 'typeorm';
import { STARTUP_LOCKS, withAdvisoryLock } from './advisory-lock';
import { MIGRATIONS } from './migrations';
import { NO_JIT } from '../common/cpu/session-options';

/**
 * Connection options shared by the app and the command-line tools. `database/` knows no feature: the app
 * loads entities from each feature module's TypeOrmModule.forFeature (autoLoadEntities in app.module.ts), and
 * a tool that needs an entity passes it in. Migrations are plain SQL and need none.
 */
export function dataSourceOptions(
  url: string,
  entities: DataSourceOptions['entities'] = [],
  /** The app names its pool by SERVER_ROLE, so pg_stat_activity tells the api's backends from the device plane's. */
  applicationName?: string,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // Idle connections are kept: closing them after pg-pool's default 10 s meant every rise in load
    // paid for new backends (and their cold caches and statements) on the arm-decision path (bench: p99 ~0.5 s
    // for the first 1.5 s at 250 req/s after a quiet spell).
    extra: {
      max: 20,
      idleTimeoutMillis: 0,
      options: NO_JIT,
      ...(applicationName ? { application_name: applicationName } : {}),
    },
  };
}

/** Applies pending migrations; replicas starting together take turns (the second finds nothing to do). */
export async function runMigrations(url: string): Promise<string[]> {
  return withAdvisoryLock(url, STARTUP_LOCKS.migrations, async () => {
    const ds = new DataSource(dataSourceOptions(url));
    await ds.initialize();
    try {
      const done = await ds.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  });
}
