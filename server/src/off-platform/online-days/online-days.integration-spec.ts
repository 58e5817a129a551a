import { randomBytes } from 'node:crypto';
import { FakeClock } from '../../common/clock/clock';
import { addDays, chinaDayStart } from '../../common/time/china-date';
import { createTestApp, TestApp } from '../../../test-support/test-app';
import { RARELY_ONLINE_MAX_DAYS } from '../off-platform-rules';
import { OnlineDaysRollupJob } from './online-days-rollup.job';

/*
 * The off-platform lists count online days from machine_online_days (rolled up from device_events)
 * instead of probing device_events once per China day. These tests judge the same data by the rule the
 * lists used before (copied below, as it stood) and by the lists, and require the same machines, days and
 * counts; and they follow the roll-up itself: a day heard shows after the next roll-up, survives the
 * events' removal, and two replicas rolling up at once do no harm.
 */
const NOW = new Date('2026-03-10T04:00:00Z'); // 12:00 in China
const TODAY = '2026-03-10';
const cst = (date: string, time = '10:00:00.000') => `${date}T${time}+08:00`;

/** The rule before machine_online_days: a device_events probe per China day of the look-back (HEARD_ON_DAY). */
const OLD_RULE = `
  WITH w AS (SELECT CAST($2 AS timestamptz) AS "from", CAST($3 AS int) AS last_day)
  SELECT m.id AS machine_id,
         CASE WHEN c.chip_id IS NULL OR NOT (c.bound_at < w."from") THEN NULL
              WHEN c.last_seen_at IS NULL OR c.last_seen_at < w."from" THEN 0
              ELSE (SELECT count(*)::int FROM (SELECT 1 FROM generate_series(0, w.last_day) AS d(i)
                     WHERE EXISTS (SELECT 1 FROM device_events de WHERE de.machine_id = m.id
                                     AND de.occurred_at >= w."from" + d.i * interval '1 day'
                                     AND de.occurred_at < w."from" + (d.i + 1) * interval '1 day' OFFSET 0)
                     LIMIT ${RARELY_ONLINE_MAX_DAYS + 1}) h) END AS online_days,
         c.bound_at < w."from" AS bound_before,
         CASE WHEN m.chip_id IS NULL THEN 'unchipped' WHEN c.last_seen_at IS NULL THEN 'never_online' ELSE 'rarely_online' END AS reason,
         (CASE WHEN EXISTS (SELECT 1 FROM device_events de WHERE de.machine_id = m.id AND de.occurred_at >= w."from")
               THEN (SELECT count(*)::int FROM generate_series(0, w.last_day) AS d(i)
                      WHERE EXISTS (SELECT 1 FROM device_events de WHERE de.machine_id = m.id
                                      AND de.occurred_at >= w."from" + d.i * interval '1 day'
                                      AND de.occurred_at < w."from" + (d.i + 1) * interval '1 day' OFFSET 0)
                        AND NOT EXISTS (SELECT 1 FROM permit_machines pm JOIN permits p ON p.id = pm.permit_id
                                         WHERE pm.machine_id = m.id AND p.approved_at IS NOT NULL AND p.status IN ('approved', 'closed')
                                           AND p.planned_start < w."from" + (d.i + 1) * interval '1 day'
                                           AND LEAST(p.planned_end, COALESCE(p.closed_at, p.planned_end)) > w."from" + d.i * interval '1 day'))
               ELSE 0 END) AS online_days_without_permit
    FROM machines m CROSS JOIN w
    LEFT JOIN chips c ON c.machine_id = m.id AND c.chip_id = m.chip_id
   WHERE m.enterprise_id = $1 AND m.status <> 'retired'`;

interface OldRow {
  machine_id: string;
  online_days: number | null;
  bound_before: boolean | null;
  reason: string;
  online_days_without_permit: number;
}

/** A small deterministic PRNG (mulberry32): the same "random" data on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let seq = 0;

describe('online days roll-up (machine_online_days)', () => {
  let t: TestApp;
  let job: OnlineDaysRollupJob;
  const clock = new FakeClock(NOW);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    job = t.app.get(OnlineDaysRollupJob);
  });
  afterAll(async () => {
    await t.close();
  });

  async function enterprise(name: string): Promise<string> {
    const uscc =
      `91411426R${randomBytes(4).toString('hex').toUpperCase()}${String(++seq % 1000).padStart(3, '0')}`.slice(0, 18);
    const [r] = await t.ds.query(
      `INSERT INTO enterprises (name, uscc, industry, region_code, region_path, address, principal_name, principal_phone_enc)
       SELECT $1, $2, '金属制品业', code, path, '测试地址', '测试', 'x' FROM regions WHERE code = '411426100' RETURNING id`,
      [name, uscc],
    );
    return r.id;
  }

  async function chippedMachine(
    enterpriseId: string,
    name: string,
    boundAt: string,
    lastSeenAt: string | null,
  ): Promise<string> {
    const [m] = await t.ds.query(
      `INSERT INTO machines (enterprise_id, name, kind, manufacturer, model, serial_number, status)
       VALUES ($1, $2, 'electric_arc', '测试厂', 'T-1', $3, 'registered') RETURNING id`,
      [enterpriseId, name, `SN-${randomBytes(5).toString('hex')}`],
    );
    const chipId = `ROLL-${randomBytes(5).toString('hex')}`;
    await t.ds.query(
      `INSERT INTO chips (chip_id, public_key, machine_id, bound_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)`,
      [chipId, randomBytes(16).toString('hex'), m.id, boundAt, lastSeenAt],
    );
    await t.ds.query(`UPDATE machines SET chip_id = $1, status = 'active' WHERE id = $2`, [chipId, m.id]);
    return m.id;
  }

  /** An event as the ingest stores it: received now, occurred at `at` (a journal may deliver old events). */
  async function event(machineId: string, at: string): Promise<void> {
    await t.ds.query(
      `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, machine_id, payload)
       SELECT chip_id, $2, 'heartbeat', $3, clock_timestamp(), id, '{}' FROM machines WHERE id = $1`,
      [machineId, ++seq, at],
    );
  }

  async function permit(enterpriseId: string, machineId: string, start: string, end: string, o: PermitShape) {
    const [{ id: applicant }] = await t.ds.query(`SELECT id FROM users WHERE username = 'hengda.admin'`);
    const [p] = await t.ds.query(
      `INSERT INTO permits (enterprise_id, status, requested_level, effective_level, work_description, site_address,
                            site_latitude, site_longitude, geofence, planned_start, planned_end, applicant_user_id,
                            applicant_username, approved_at, submitted_at, closed_at, permit_no)
       VALUES ($1, $2, 'level2', 'level2', '钢梁焊接', '一号车间', 34.17, 116.0, '{}', $3, $4, $5, 'hengda.admin',
               CASE WHEN $6 THEN $3::timestamptz END, $3, $7, 'R-' || left(md5(random()::text), 16))
       RETURNING id`,
      [enterpriseId, o.status, start, end, applicant, o.approved, o.closedAt],
    );
    await t.ds.query(`INSERT INTO permit_machines (permit_id, machine_id) VALUES ($1, $2)`, [p.id, machineId]);
  }
  interface PermitShape {
    status: string;
    approved: boolean;
    closedAt: string | null;
  }

  const list = async (path: string, query: string) => {
    const res = await t.http
      .get(`/api/off-platform/${path}?pageSize=200&${query}`)
      .set(await t.auth('xiayi.regulator'));
    expect(res.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the views' JSON, read field by field
    return res.body.items as Record<string, any>[];
  };

  it('lists the same machines with the same days as the per-day device_events rule, over random data', async () => {
    const rnd = prng(19);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const e = await enterprise('滚动汇总对照测试厂');
    // Instants that sit on China day edges, and UTC midnight (a UTC day rule would split them differently).
    const times = ['00:00:00.000', '23:59:59.999', '07:59:59.999', '08:00:00.000', '12:00:00.000'];
    for (let i = 0; i < 40; i++) {
      const bound = pick([addDays(TODAY, -120), addDays(TODAY, -31), addDays(TODAY, -30), addDays(TODAY, -5)]);
      // Few days for most machines (rarely online is the point), many for some.
      const n = pick([0, 0, 1, 1, 2, 2, 3, 3, 5, 12]);
      const spread = n > 4 ? 35 : 100; // the busy ones mostly inside the look-back
      const days = Array.from({ length: n }, () => addDays(TODAY, -Math.floor(rnd() * spread)));
      // A device clock ahead (tomorrow) is not a day of the look-back either.
      if (rnd() < 0.1) days.push(addDays(TODAY, 1));
      const instants = days.map((d) => cst(d, pick(times)));
      const last =
        instants.length && rnd() < 0.9 ? instants.sort().at(-1)! : rnd() < 0.5 ? null : cst(TODAY, '09:00:00.000');
      const m = await chippedMachine(e, `对照焊机${i}`, cst(bound), last);
      for (const at of instants) await event(m, at);
      if (rnd() < 0.2 && instants.length) await event(m, instants[0]); // twice the same day
      for (let k = Math.floor(rnd() * 3); k > 0; k--) {
        const start = addDays(TODAY, -Math.floor(rnd() * 95));
        const len = Math.floor(rnd() * 4);
        const shape = pick<PermitShape>([
          { status: 'approved', approved: true, closedAt: null },
          { status: 'closed', approved: true, closedAt: cst(start, '09:30:00.000') },
          { status: 'cancelled', approved: false, closedAt: null },
          { status: 'approved', approved: true, closedAt: null },
        ]);
        const begins = cst(start, pick(times));
        let ends = cst(addDays(start, len), pick(times));
        if (Date.parse(ends) <= Date.parse(begins)) ends = new Date(Date.parse(begins) + 3_600_000).toISOString();
        await permit(e, m, begins, ends, shape);
      }
    }
    await job.rollUp();

    for (const days of [30, 7, 92]) {
      const from = chinaDayStart(addDays(TODAY, -(days - 1)));
      const old: OldRow[] = await t.ds.query(OLD_RULE, [e, from, days - 1]);
      const silentExpected = old
        .filter(
          (r) =>
            r.reason === 'unchipped' ||
            (r.bound_before && (r.reason === 'never_online' || (r.online_days ?? 0) <= RARELY_ONLINE_MAX_DAYS)),
        )
        .map((r) => ({ machineId: r.machine_id, reason: r.reason, onlineDays: r.online_days }))
        .sort((a, b) => a.machineId.localeCompare(b.machineId));
      const silent = (await list('silent-machines', `days=${days}`))
        .filter((r) => r.enterpriseId === e)
        .map((r) => ({ machineId: r.machineId, reason: r.reason, onlineDays: r.onlineDays }))
        .sort((a, b) => a.machineId.localeCompare(b.machineId));
      expect(silent).toEqual(silentExpected);
      // Not vacuous: rarely online machines with 1-2 days, and machines judged online enough, are both there.
      if (days === 30) {
        expect(silent.some((r) => r.reason === 'rarely_online' && r.onlineDays > 0)).toBe(true);
        expect(old.some((r) => (r.online_days ?? 0) > RARELY_ONLINE_MAX_DAYS)).toBe(true);
      }

      const unpermittedExpected = old
        .filter((r) => r.online_days_without_permit > 0)
        .map((r) => ({ machineId: r.machine_id, days: r.online_days_without_permit }))
        .sort((a, b) => a.machineId.localeCompare(b.machineId));
      const unpermitted = (await list('unpermitted-machines', `days=${days}`))
        .filter((r) => r.enterpriseId === e)
        .map((r) => ({ machineId: r.machineId, days: r.onlineDaysWithoutPermit }))
        .sort((a, b) => a.machineId.localeCompare(b.machineId));
      expect(unpermitted).toEqual(unpermittedExpected);
      if (days === 30) expect(unpermitted.length).toBeGreaterThan(3);

      // The ranking counts the same rows.
      const ranked = (await list('ranking', `days=${days}`)).find((r) => r.enterpriseId === e)!;
      const count = (s: string) => ranked.signals.find((x: { signal: string }) => x.signal === s)?.count ?? 0;
      expect(count('silent_machines')).toBe(silentExpected.filter((r) => r.reason !== 'unchipped').length);
      expect(count('online_days_without_permit')).toBe(unpermittedExpected.reduce((n, r) => n + r.days, 0));
    }
  });

  it('shows a machine heard today after the roll-up, not before', async () => {
    const e = await enterprise('今日上线测试厂');
    const m = await chippedMachine(e, '今日上线焊机', cst(addDays(TODAY, -60)), cst(TODAY, '11:00:00.000'));
    await job.rollUp();
    const unpermitted = async () =>
      (await list('unpermitted-machines', '')).find((r) => r.machineId === m)?.onlineDaysWithoutPermit;
    const silentDays = async () => (await list('silent-machines', '')).find((r) => r.machineId === m)?.onlineDays;
    expect(await unpermitted()).toBeUndefined();
    expect(await silentDays()).toBe(0);

    await event(m, cst(TODAY, '11:00:00.000'));
    expect(await unpermitted()).toBeUndefined(); // not rolled up yet: at most one interval behind
    const r = await job.rollUp();
    expect(r.skipped).toBe(false);
    expect(r.added).toBeGreaterThanOrEqual(1);
    expect(await unpermitted()).toBe(1);
    expect(await silentDays()).toBe(1);
  });

  it('keeps the days when the events are gone (archived and dropped after 13 months)', async () => {
    const e = await enterprise('事件归档测试厂');
    const m = await chippedMachine(e, '归档焊机', cst(addDays(TODAY, -60)), cst(TODAY, '08:00:00.000'));
    await event(m, cst(addDays(TODAY, -3)));
    await event(m, cst(TODAY, '08:00:00.000'));
    await job.rollUp();
    await t.ds.query(`DELETE FROM device_events WHERE machine_id = $1`, [m]);
    await job.rollUp();
    expect((await list('silent-machines', '')).find((r) => r.machineId === m)?.onlineDays).toBe(2);
    expect((await list('unpermitted-machines', '')).find((r) => r.machineId === m)?.onlineDaysWithoutPermit).toBe(2);
  });

  it('reads only what arrived since its watermark (minus the grace), and two replicas at once do no harm', async () => {
    const e = await enterprise('并发汇总测试厂');
    const m = await chippedMachine(e, '并发焊机', cst(addDays(TODAY, -60)), cst(TODAY, '08:00:00.000'));
    await event(m, cst(addDays(TODAY, -1)));
    await job.rollUp(); // the watermark is now

    // An event stamped received long before the watermark (beyond the grace) is not read again: the
    // roll-up reads the newest events, not the table.
    await t.ds.query(
      `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, machine_id, payload)
       SELECT chip_id, $2, 'heartbeat', $3, now() - interval '1 day', id, '{}' FROM machines WHERE id = $1`,
      [m, ++seq, cst(addDays(TODAY, -2))],
    );
    await event(m, cst(addDays(TODAY, -1)));
    const [a, b] = await Promise.all([job.rollUp(), job.rollUp()]);
    expect([a.skipped, b.skipped].filter(Boolean).length).toBeLessThanOrEqual(1);
    if (a.skipped || b.skipped) await job.rollUp();
    const days: { day: string }[] = await t.ds.query(
      `SELECT day::text AS day FROM machine_online_days WHERE machine_id = $1 ORDER BY day`,
      [m],
    );
    expect(days.map((d) => d.day)).toEqual([addDays(TODAY, -1)]);
    const [state] = await t.ds.query(`SELECT received_upto FROM machine_online_days_rollup`);
    expect(new Date(state.received_upto).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
