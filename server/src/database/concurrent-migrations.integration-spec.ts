import { Client } from 'pg';
import { adminQuery, uniqueName, withDatabase } from '../../test-support/test-database';
import { runMigrations } from './data-source';
import { MIGRATIONS } from './migrations';

/** Replicas started together (docs/deployment.md) migrate one after another, never the same migration twice. */
describe('runMigrations from two replicas at once', () => {
  const admin = process.env.ARCGATE_TEST_ADMIN_URL!;
  const name = uniqueName('arcgate_migrate_race');
  const url = withDatabase(admin, name);

  beforeAll(() => adminQuery(admin, `CREATE DATABASE ${name}`));
  afterAll(() => adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

  it('applies every migration once: one replica migrates, the other finds nothing left to do', async () => {
    const [first, second] = await Promise.all([runMigrations(url), runMigrations(url)]);
    expect([first.length, second.length].sort((x, y) => x - y)).toEqual([0, MIGRATIONS.length]);
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const rows = await c.query<{ n: number; distinct_names: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT name)::int AS distinct_names FROM migrations',
      );
      expect(rows.rows[0]).toEqual({ n: MIGRATIONS.length, distinct_names: MIGRATIONS.length });
    } finally {
      await c.end();
    }
  }, 120_000);
});
