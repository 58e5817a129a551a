import { FakeClock } from '../../common/clock/clock';
import { createTestApp, TestApp } from '../../../test-support/test-app';
import { CensusRefreshJob } from './census-refresh.job';

/** Arcs of a machine of 恒达 at the given instants (the insert trigger gives them the machine's scope). */
async function insertArcs(t: TestApp, serial: string, at: string[]) {
  for (const s of at)
    await t.ds.query(
      `INSERT INTO arcs (chip_id, stop_seq, machine_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz)
       SELECT 'CENSUS-CHIP', (SELECT coalesce(max(stop_seq), 0) + 1 FROM arcs WHERE chip_id = 'CENSUS-CHIP'), m.id,
              $2::timestamptz, $2::timestamptz + interval '60 seconds', 60000, '{}', '{}', 60, 1
         FROM machines m WHERE m.serial_number = $1`,
      [serial, s],
    );
}

const hengdaMachine = async (t: TestApp): Promise<string> =>
  (
    await t.ds.query(
      `SELECT m.serial_number FROM machines m JOIN enterprises e ON e.id = m.enterprise_id WHERE e.name LIKE '%恒达%' ORDER BY m.serial_number LIMIT 1`,
    )
  )[0].serial_number;

async function insertAlert(t: TestApp, enterpriseKey: string | null, seenAt: string) {
  const ent = enterpriseKey
    ? (await t.ds.query(`SELECT id, region_path FROM enterprises WHERE name LIKE $1`, [`%${enterpriseKey}%`]))[0]
    : null;
  await t.ds.query(
    `INSERT INTO alerts (type, severity, state, enterprise_id, region_path, evidence, first_seen_at, last_seen_at, chip_id)
     VALUES ($1, 'warning', 'open', $2, $3, '{"note":"test"}', $4, $4, $5)`,
    [
      ent ? 'UNLICENSED_ATTEMPT' : 'UNREGISTERED_DEVICE',
      ent?.id ?? null,
      ent?.region_path ?? null,
      seenAt,
      ent ? null : `CENSUS-UNKNOWN-${seenAt}`,
    ],
  );
}

describe('the pre-aggregated census (regulator and admin overviews)', () => {
  let t: TestApp;
  let job: CensusRefreshJob;
  const clock = new FakeClock(new Date('2026-03-10T04:00:00Z')); // 12:00 in China
  const USERS = ['xiayi.regulator', 'huiting.regulator', 'admin'];

  beforeAll(async () => {
    t = await createTestApp({ clock, config: { reporting: { overviewCacheS: 0, censusRefreshS: 60 } } });
    job = t.app.get(CensusRefreshJob);
    const serial = await hengdaMachine(t);
    // Arcs on three past days, one before the trend's window, and today; alerts of a region and of none.
    await insertArcs(t, serial, [
      '2026-01-01T02:00:00Z',
      '2026-02-20T02:00:00Z',
      '2026-03-08T15:59:00Z', // 23:59 on 03-08 in China
      '2026-03-08T16:01:00Z', // 00:01 on 03-09 in China
      '2026-03-10T01:00:00Z',
    ]);
    await insertAlert(t, '恒达', '2026-03-05T02:00:00Z');
    await insertAlert(t, null, '2026-03-06T02:00:00Z');
    await insertAlert(t, '宏远', '2026-03-10T01:00:00Z');
  });
  afterAll(async () => {
    await t.close();
  });

  const overview = async (user: string) => {
    const res = await t.http.get('/api/stats/overview').set(await t.auth(user));
    expect(res.status).toBe(200);
    return res.body;
  };
  const figures = ({ generatedAt: _g, census: _c, ...rest }: Record<string, unknown>) => rest;

  it('gives regulators and the admin exactly the figures the live count gives, dispatched welders included', async () => {
    const counted = await job.refresh(true);
    expect(counted).toMatchObject({ today: '2026-03-10', daysFrom: '2026-02-09', daysTo: '2026-03-10' });
    const fromCensus = [];
    for (const u of USERS) {
      const o = await overview(u);
      expect(o.census).toEqual({ countedAt: '2026-03-10T04:00:00.000Z', everyS: 60 });
      fromCensus.push(o);
    }
    await t.ds.query(`DELETE FROM census_refreshes`); // no census: the overview counts everything live
    for (const [i, u] of USERS.entries()) {
      const live = await overview(u);
      expect(live.census).toBeNull();
      expect(figures(fromCensus[i])).toEqual(figures(live));
    }
    // The data is really in the figures compared (not two empty overviews).
    const county = fromCensus[0];
    expect(county.machines.total).toBeGreaterThan(0);
    expect(county.welders.total).toBe(4); // 陈静 dispatched into 会亭镇 counted once for the county
    expect(fromCensus[1].welders.total).toBe(3); // and in 会亭镇, though employed in 马头镇
    const day = (o: { trend: { date: string; arcs: number; alerts: number }[] }, d: string) =>
      o.trend.find((p) => p.date === d)!;
    expect(day(county, '2026-03-08').arcs).toBe(1);
    expect(day(county, '2026-03-09').arcs).toBe(1);
    expect(day(county, '2026-03-10').arcs).toBe(1);
    expect(day(county, '2026-03-06').alerts).toBe(1); // an alert of no region reaches every regulator
    expect(day(fromCensus[2], '2026-02-20').arcs).toBe(1);
  });

  it('is as old as it says for the registry, while online machines, alerts and today stay live', async () => {
    await job.refresh(true);
    const before = await overview('xiayi.regulator');
    const enterprise = await overview('hengda.admin');
    expect(enterprise.census).toBeNull(); // an enterprise's own overview is always counted live

    const added = await t.http
      .post('/api/machines')
      .set(await t.auth('hengda.admin'))
      .send({
        name: '普查测试焊机',
        kind: 'electric_arc',
        manufacturer: '瑞凌',
        model: 'ZX7-400',
        serialNumber: 'CENSUS-1',
        ratedInputKva: 15.5,
      });
    expect(added.status).toBe(201);
    await insertAlert(t, '恒达', '2026-03-10T03:00:00Z');
    const serial = await hengdaMachine(t);
    await insertArcs(t, serial, ['2026-03-10T03:30:00Z', '2026-03-07T03:30:00Z']);

    const stale = await overview('xiayi.regulator');
    expect(stale.machines.total).toBe(before.machines.total); // counted at countedAt
    expect(stale.alerts.open).toBe(before.alerts.open + 1); // live
    const today = (o: { trend: { date: string; arcs: number }[] }, d: string) =>
      o.trend.find((p) => p.date === d)!.arcs;
    expect(today(stale, '2026-03-10')).toBe(today(before, '2026-03-10') + 1); // today: live
    expect(today(stale, '2026-03-07')).toBe(today(before, '2026-03-07')); // a past day: as counted
    expect((await overview('hengda.admin')).machines.total).toBe(enterprise.machines.total + 1);

    // The next tick a minute later counts again (the job's own rule, not forced).
    clock.advance(61_000);
    expect(await job.refresh()).not.toBeNull();
    const fresh = await overview('xiayi.regulator');
    expect(fresh.census.countedAt).toBe('2026-03-10T04:01:01.000Z');
    expect(fresh.machines.total).toBe(before.machines.total + 1);
    expect(today(fresh, '2026-03-07')).toBe(today(before, '2026-03-07') + 1);
  });

  it('skips a tick while the census is fresh, and is not used once it is far too old', async () => {
    await job.refresh(true);
    clock.advance(10_000);
    expect(await job.refresh()).toBeNull(); // 10 s old: fresh enough
    clock.advance(11 * 60_000); // the job has not run for eleven intervals
    const o = await overview('xiayi.regulator');
    expect(o.census).toBeNull();
    expect(o.machines.total).toBeGreaterThan(0); // counted live instead
  });
});
