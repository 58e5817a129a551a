import * as ExcelJS from 'exceljs';
import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { OFF_PLATFORM_TYPES } from './dto/off-platform-query.dto';

/** Inserts an alert row directly: the overview only reads, so how an alert was raised does not matter. */
async function insertAlert(
  t: TestApp,
  a: { type: string; severity: string; enterpriseKey?: string; seenAt: string; state?: string },
) {
  const ent = a.enterpriseKey
    ? (await t.ds.query(`SELECT id, region_path FROM enterprises WHERE name LIKE $1`, [`%${a.enterpriseKey}%`]))[0]
    : null;
  const closed = a.state === 'closed';
  await t.ds.query(
    `INSERT INTO alerts (type, severity, state, enterprise_id, region_path, evidence, first_seen_at, last_seen_at, closed_at, close_note, chip_id)
     VALUES ($1, $2, $3, $4, $5, '{"note":"test"}', $6, $6, $7, $8, $9)`,
    [
      a.type,
      a.severity,
      a.state ?? 'open',
      ent?.id ?? null,
      ent?.region_path ?? null,
      a.seenAt,
      closed ? a.seenAt : null,
      closed ? 'done' : null,
      ent ? null : 'CHIP-UNKNOWN-1',
    ],
  );
}

describe('stats overview', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-03-10T04:00:00Z'));

  beforeAll(async () => {
    t = await createTestApp({ clock });
    await insertAlert(t, {
      type: 'ARC_WITHOUT_GRANT',
      severity: 'critical',
      enterpriseKey: '恒达',
      seenAt: '2026-03-09T02:00:00Z',
    });
    await insertAlert(t, {
      type: 'UNLICENSED_ATTEMPT',
      severity: 'warning',
      enterpriseKey: '宏远',
      seenAt: '2026-03-10T01:00:00Z',
    });
    await insertAlert(t, { type: 'UNREGISTERED_DEVICE', severity: 'warning', seenAt: '2026-03-08T01:00:00Z' });
    await insertAlert(t, {
      type: 'GAS_ABOVE_LIMIT',
      severity: 'critical',
      enterpriseKey: '恒达',
      seenAt: '2026-03-10T02:00:00Z',
      state: 'closed',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const overview = async (user: string) => {
    const res = await t.http.get('/api/stats/overview').set(await t.auth(user));
    expect(res.status).toBe(200);
    return res.body;
  };

  it('gives the county regulator the whole county, broken down by township', async () => {
    const o = await overview('xiayi.regulator');
    expect(o.regionCode).toBe('411426');
    expect(o.regionName).toBe('夏邑县');
    expect(o.today).toBe('2026-03-10');
    expect(o.enterprises).toMatchObject({ total: 3, active: 3 });
    expect(o.machines).toMatchObject({ total: 5, retired: 0 });
    expect(o.welders.total).toBe(4);
    const w = o.welders;
    expect(w.certified + w.expired + w.reviewOverdue + w.none + w.other).toBe(w.total);
    expect(w.none).toBe(1); // 孙磊 has no certificate
    // Two enterprise alerts and the unregistered device (no region: every regulator sees it); the closed one is not open.
    expect(o.alerts.open).toBe(3);
    expect(o.alerts.openBySeverity).toMatchObject({ critical: 1, warning: 2 });
    expect(o.alerts.openByType).toEqual({ ARC_WITHOUT_GRANT: 1, UNLICENSED_ATTEMPT: 1, UNREGISTERED_DEVICE: 1 });

    const huiting = o.byTownship.find((r: { regionCode: string }) => r.regionCode === '411426100');
    const matou = o.byTownship.find((r: { regionCode: string }) => r.regionCode === '411426101');
    // 陈静 (employed by 宏远 in 马头镇) is dispatched to 恒达 in 会亭镇: both townships' ledgers list her.
    expect(huiting).toMatchObject({ regionName: '会亭镇', enterprises: 1, machines: 3, welders: 3, openAlerts: 1 });
    expect(matou).toMatchObject({ regionName: '马头镇', enterprises: 1, machines: 1, welders: 1, openAlerts: 1 });
    expect(o.byTownship.length).toBeGreaterThanOrEqual(12);

    expect(o.trend).toHaveLength(30);
    expect(o.trend[29].date).toBe('2026-03-10');
    expect(o.trend[0].date).toBe('2026-02-09');
    const byDate = Object.fromEntries(o.trend.map((p: { date: string; alerts: number }) => [p.date, p.alerts]));
    // Alerts are counted by the China calendar day they were first raised (closed ones included).
    expect(byDate['2026-03-10']).toBe(2);
    expect(byDate['2026-03-09']).toBe(1);
    expect(byDate['2026-03-08']).toBe(1);
  });

  it('limits the 会亭镇 regulator to 会亭镇', async () => {
    const o = await overview('huiting.regulator');
    expect(o.regionCode).toBe('411426100');
    expect(o.enterprises.total).toBe(1);
    expect(o.machines.total).toBe(3);
    expect(o.welders.total).toBe(3); // 张伟, 刘洋 and the dispatched 陈静
    expect(o.alerts.openByType).toEqual({ ARC_WITHOUT_GRANT: 1, UNREGISTERED_DEVICE: 1 });
    expect(o.byTownship).toEqual([
      expect.objectContaining({ regionCode: '411426100', enterprises: 1, machines: 3, welders: 3 }),
    ]);
    const total = o.trend.reduce((n: number, p: { alerts: number }) => n + p.alerts, 0);
    expect(total).toBe(3); // not the 马头镇 attempt
  });

  it("counts welders exactly as each user's welders ledger lists them (a dispatched welder included)", async () => {
    const ledger = async (user: string) => {
      const res = await t.http.get('/api/welders?status=active&pageSize=200').set(await t.auth(user));
      expect(res.status).toBe(200);
      return (res.body.items as { realName: string }[]).map((w) => w.realName).sort();
    };
    for (const user of ['xiayi.regulator', 'huiting.regulator', 'hengda.admin']) {
      const listed = await ledger(user);
      expect({ user, total: (await overview(user)).welders.total }).toEqual({ user, total: listed.length });
    }
    expect(await ledger('huiting.regulator')).toEqual(['刘洋', '张伟', '陈静'].sort());
    // Each township row is what that township's regulator sees in the ledger.
    const county = await overview('xiayi.regulator');
    const row = county.byTownship.find((r: { regionCode: string }) => r.regionCode === '411426100');
    expect(row.welders).toBe((await ledger('huiting.regulator')).length);
    const matou = county.byTownship.find((r: { regionCode: string }) => r.regionCode === '411426101');
    expect(matou.welders).toBe(1);
  });

  it('limits enterprise users to their own enterprise and keeps welders out', async () => {
    const o = await overview('hengda.admin');
    expect(o.regionCode).toBeNull();
    expect(o.enterprises.total).toBe(1);
    expect(o.machines.total).toBe(3);
    expect(o.alerts.openByType).toEqual({ ARC_WITHOUT_GRANT: 1 });
    expect(o.byTownship.map((r: { regionCode: string }) => r.regionCode)).toEqual(['411426100']);

    const res = await t.http.get('/api/stats/overview').set(await t.auth('welder.zhang'));
    expect(res.status).toBe(403);
    expect((await t.http.get('/api/stats/overview')).status).toBe(401);
  });

  it('lists and exports the off-platform operation report within scope', async () => {
    const county = await t.http.get('/api/stats/off-platform').set(await t.auth('xiayi.regulator'));
    expect(county.status).toBe(200);
    expect(county.body.total).toBe(3);
    expect(county.body.items.map((a: { type: string }) => a.type).sort()).toEqual([
      'ARC_WITHOUT_GRANT',
      'UNLICENSED_ATTEMPT',
      'UNREGISTERED_DEVICE',
    ]);

    const own = await t.http
      .get('/api/stats/off-platform')
      .query({ type: 'ARC_WITHOUT_GRANT' })
      .set(await t.auth('hengda.admin'));
    expect(own.body).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(own.body.items[0]).toMatchObject({ type: 'ARC_WITHOUT_GRANT', enterpriseName: '夏邑县恒达钢结构有限公司' });

    // The alert list's filters apply to the report as to the list (a region narrows; alerts of no region drop out).
    const town = await t.http
      .get('/api/stats/off-platform')
      .query({ regionCode: '411426100' })
      .set(await t.auth('xiayi.regulator'));
    expect(town.body.total).toBe(1);
    expect(town.body.items.map((a: { type: string }) => a.type)).toEqual(['ARC_WITHOUT_GRANT']);

    const bad = await t.http
      .get('/api/stats/off-platform')
      .query({ type: 'GAS_ABOVE_LIMIT', pageSize: 500 })
      .set(await t.auth('xiayi.regulator'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['pageSize', 'type']);

    const xlsx = await t.http
      .get('/api/stats/off-platform/export.xlsx')
      .set(await t.auth('huiting.regulator'))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(xlsx.headers['content-disposition']).toContain('off-platform-2026-03-10.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('非法作业排查');
    expect(ws.rowCount).toBe(3); // header + the 会亭镇 arc + the unregistered device
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['告警类型', '单位', '乡镇', '焊工身份证号（脱敏）']));
    const types = [2, 3].map((r) => String(ws.getRow(r).getCell(header.indexOf('告警类型') + 1).value));
    expect(types.sort()).toEqual(['无授权起弧（疑似绕过或改装设备）', '未登记设备接入'].sort());
    // Streamed and audited as the alert exports are: the report's types, the rows, a complete download.
    const [audited] = await t.ds.query(
      `SELECT after FROM audit_log WHERE action = 'alert.export' AND after->'filters' ? 'types' ORDER BY id DESC LIMIT 1`,
    );
    expect(audited.after).toMatchObject({ rows: 2, complete: true });
    expect(audited.after.filters.types.sort()).toEqual([...OFF_PLATFORM_TYPES].sort());
  });

  // Last: it adds certificates. The census is counted in SQL, the ledger judges each welder in TypeScript.
  it('counts certificate states exactly as the welders ledger shows them, whatever each welder holds', async () => {
    const sun = (await t.ds.query(`SELECT id FROM welders WHERE real_name = '孙磊'`))[0].id;
    const insert = (issuedOn: string, expiresOn: string, reviewDueOn: string, status = 'valid') =>
      t.ds.query(
        `INSERT INTO certificates (welder_id, category, sub_operation, issued_on, expires_on, review_due_on, status, source, verification, verification_source, verified_at)
         VALUES ($1, 'welding_and_thermal_cutting', 'fusion_welding_and_thermal_cutting', $2, $3, $4, $5, 'manual', 'verified', 'regulator', now())`,
        [sun, issuedOn, expiresOn, reviewDueOn, status],
      );
    // expired, suspended and overdue for review: the best of them (review_overdue) is his state
    await insert('2018-01-01', '2024-01-01', '2021-01-01');
    await insert('2024-01-01', '2030-01-01', '2027-01-01', 'suspended');
    await insert('2022-01-01', '2028-01-01', '2025-01-01');
    const ledgerStates = async (user: string) => {
      const res = await t.http.get('/api/welders?status=active&pageSize=200').set(await t.auth(user));
      expect(res.status).toBe(200);
      const n = (state: string) =>
        (res.body.items as { certificateState: string }[]).filter((w) => w.certificateState === state).length;
      return {
        certified: n('valid') + n('expiring_90d'),
        expiring90d: n('expiring_90d'),
        expired: n('expired'),
        reviewOverdue: n('review_overdue'),
        none: n('none'),
      };
    };
    for (const user of ['xiayi.regulator', 'huiting.regulator', 'hengda.admin']) {
      const w = (await overview(user)).welders;
      const { total: _t, other: _o, ...census } = w;
      expect({ user, ...census }).toEqual({ user, ...(await ledgerStates(user)) });
    }
    expect((await overview('xiayi.regulator')).welders.reviewOverdue).toBeGreaterThanOrEqual(1);
  });
});
