/*
 * EXPLAIN (ANALYZE, BUFFERS) of every off-platform audit list and the ranking, first page, as a township, a
 * county and a city regulator, on a database seeded by seed.sql (docs/off-platform-audit.md has the numbers).
 *   createdb audit_scratch; migrate it (runMigrations); psql -d audit_scratch -f test-support/off-platform-scale/seed.sql
 *   AUDIT_DB_URL=postgres://…/audit_scratch node -r ./test-support/swc-register.js test-support/off-platform-scale/explain.ts
 * ACTORS=township,county,city and LISTS=… narrow the run; FULL=1 prints whole plans.
 */
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { AccessPolicy } from '../../src/access/access-policy';
import { OffPlatformRepository } from '../../src/off-platform/off-platform.repository';
import { addDays, chinaDate, chinaDayStart } from '../../src/common/time/china-date';

const orig = PostgresQueryRunner.prototype.query;
let explain = false;
PostgresQueryRunner.prototype.query = async function (
  this: PostgresQueryRunner,
  q: string,
  p?: unknown[],
  s?: boolean,
) {
  // Only the lists' statements: not the transaction around them nor its SET LOCAL.
  if (!explain || !/^\s*SELECT/i.test(q)) return orig.call(this, q, p, s as never);
  const plan = (await orig.call(this, `EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${q}`, p)) as { 'QUERY PLAN': string }[];
  const lines = plan.map((r) => r['QUERY PLAN']);
  const mode = process.env.FULL
    ? lines
    : lines.filter((l) => /Seq Scan|Execution Time|Planning Time|Index|rows=/.test(l)).slice(0, 400);
  console.log(
    mode
      .filter(
        (l) => process.env.FULL || /Seq Scan|Execution Time|Planning Time/.test(l) || /Index (Only )?Scan/.test(l),
      )
      .map((l) => l.replace(/\s+\(cost=[^)]*\)/, ''))
      .join('\n'),
  );
  return s ? ({ records: [], raw: [] } as never) : [];
} as never;

async function main() {
  const ds = new DataSource({
    type: 'postgres',
    url: process.env.AUDIT_DB_URL ?? 'postgres://postgres@127.0.0.1:5432/audit_scratch',
  });
  await ds.initialize();
  const repo = new OffPlatformRepository(ds, new AccessPolicy());
  const now = new Date();
  const today = chinaDate(now);
  const w = {
    now,
    today,
    days: 30,
    from: chinaDayStart(addDays(today, -29)),
    fromDay: addDays(today, -29),
    reportsFrom: chinaDayStart(addDays(today, -364)),
  };
  const actors = {
    township: {
      userId: null,
      username: 't',
      role: 'regulator',
      regionCode: '411401100',
      regionPath: '/41/4114/411401/411401100/',
    },
    county: { userId: null, username: 'c', role: 'regulator', regionCode: '411401', regionPath: '/41/4114/411401/' },
    city: { userId: null, username: 'p', role: 'regulator', regionCode: '4114', regionPath: '/41/4114/' },
  } as const;
  const which = (process.env.ACTORS ?? 'township,county,city').split(',') as (keyof typeof actors)[];
  const lists = (
    process.env.LISTS ??
    'silent-machines,unpermitted-machines,empty-enterprises,uncertified-welders,review-due-certificates,idle-permits,reported-enterprises,ranking'
  ).split(',');
  explain = true;
  for (const a of which)
    for (const l of lists) {
      console.log(`\n=== ${l} as ${a} ===`);
      const t0 = Date.now();
      if (l === 'ranking') await repo.ranking(actors[a] as never, {}, w, { offset: 0, limit: 20 });
      else await repo.list(l as never, actors[a] as never, {}, w, { offset: 0, limit: 20 });
      console.log(`wall ${Date.now() - t0} ms`);
    }
  await ds.destroy();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
