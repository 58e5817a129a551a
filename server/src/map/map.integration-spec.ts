import request from 'supertest';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { FakeClock } from '../common/clock/clock';
import { DEMO_BOUNDARIES_FILE, loadRegionBoundaries } from '../config/map-config';
import { cst, demoIds, DemoIds, permitBody } from '../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { MapFeaturesView } from './dto/map.views';

/** The overview's map: public settings and boundaries, and features scoped to the caller (no leakage). */
describe('map (integration)', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let permitId: string;
  let steelAlert: string;
  let machineryAlert: string;
  /** Public reports with a location: one in 会亭镇, one in 马头镇, one placed nowhere, one rejected. */
  const reportIds: Record<'huiting' | 'matou' | 'nowhere' | 'rejected', string> = {
    huiting: '',
    matou: '',
    nowhere: '',
    rejected: '',
  };
  const SITE = { lat: 34.1755, lng: 116.0049 };
  const FIX = { lat: 34.1731, lng: 116.0023, accuracyM: 8, fixAt: cst(5, '07:55') };

  const features = async (user: string, query = '') => {
    const res = await t.http.get(`/api/map/features${query}`).set(await t.auth(user));
    expect(res.status).toBe(200);
    return res.body as MapFeaturesView;
  };

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      config: {
        map: {
          tiles: { provider: 'tianditu', key: 'abcdef0123456789abcdef' },
          boundaries: loadRegionBoundaries(DEMO_BOUNDARIES_FILE),
        },
      },
    });
    ids = await demoIds(t.ds);
    const admin = await t.auth('admin');
    for (const u of [
      { username: 'matou.regulator', role: 'regulator', regionCode: '411426101' },
      { username: 'machinery.admin', role: 'enterprise_admin', enterpriseId: ids.machinery },
    ]) {
      const res = await t.http
        .post('/api/users')
        .set(admin)
        .send({ password: DEMO_PASSWORD, displayName: u.username, ...u });
      expect(res.status).toBe(201);
    }
    // 恒达's machine 1 on a permit at a site away from the enterprise's own point; approved and in force at 10:00.
    const created = await t.http
      .post('/api/permits')
      .set(await t.auth('hengda.admin'))
      .send(
        permitBody(ids, {
          site: {
            address: '会亭镇工业园区 3号堆场',
            point: SITE,
            geofence: { type: 'circle', center: SITE, radiusM: 50 },
          },
        }),
      );
    expect(created.status).toBe(201);
    permitId = created.body.id;
    await t.ds.query(`UPDATE permits SET status = 'approved', approved_at = $2 WHERE id = $1`, [
      permitId,
      cst(5, '08:30'),
    ]);
    // 恒达's machine 2 carries a chip that is online, arcing and reported its own fix.
    await t.ds.query(
      `INSERT INTO chips (chip_id, public_key, machine_id, bound_at, online, state, last_position, last_position_at)
       VALUES ('CMAPTEST0000000000000000001', 'k', $1, now(), true, 'arcing', $2, $3)`,
      [ids.steelMachine2, JSON.stringify(FIX), FIX.fixAt],
    );
    await t.ds.query(`UPDATE machines SET chip_id = 'CMAPTEST0000000000000000001' WHERE id = $1`, [ids.steelMachine2]);
    const alerts = t.app.get(AlertsService);
    steelAlert = (
      await alerts.raise({
        type: AlertType.TAMPER,
        enterpriseId: ids.steel,
        machineId: ids.steelMachine1,
        evidence: {},
      })
    ).id;
    machineryAlert = (
      await alerts.raise({
        type: AlertType.TAMPER,
        enterpriseId: ids.machinery,
        machineId: ids.machineryMachine,
        evidence: {},
      })
    ).id;
    for (const [key, regionCode] of [
      ['huiting', '411426100'],
      ['matou', '411426101'],
      ['nowhere', undefined],
      ['rejected', '411426100'],
    ] as const) {
      const req = t.http
        .post('/api/public/reports')
        .field('description', `地图测试举报 ${key}`)
        .field('latitude', '34.2001')
        .field('longitude', '115.9702');
      if (regionCode) void req.field('regionCode', regionCode);
      const res = await req;
      expect(res.status).toBe(201);
      reportIds[key] = (
        await t.ds.query<{ id: string }[]>(`SELECT id FROM reports WHERE description = $1`, [`地图测试举报 ${key}`])
      )[0].id;
    }
    await t.ds.query(`UPDATE reports SET status = 'rejected' WHERE id = $1`, [reportIds.rejected]);
    clock.set(new Date(cst(5, '10:00')));
  });

  afterAll(() => t?.close());

  it('gives the tile settings and the schematic boundaries to anyone (the public report form uses them)', async () => {
    const s = await t.http.get('/api/map/settings');
    expect(s.status).toBe(200);
    expect(s.body).toEqual({
      tiles: { provider: 'tianditu', key: 'abcdef0123456789abcdef' },
      boundaries: true,
      schematic: true,
    });
    const b = await t.http.get('/api/map/boundaries');
    expect(b.status).toBe(200);
    expect(b.body.type).toBe('FeatureCollection');
    const codes = b.body.features.map((f: { properties: { code: string } }) => f.properties.code);
    expect(codes).toEqual(expect.arrayContaining(['411426', '411426100', '411426101', '411426001']));
  });

  it('shows the county regulator every machine, open alert and permit in force, each at its best known place', async () => {
    const f = await features('xiayi.regulator');
    expect(f.truncated).toEqual({ machines: false, alerts: false, permits: false, reports: false });
    expect(f.reports.map((r) => r.id).sort()).toEqual([reportIds.huiting, reportIds.matou, reportIds.nowhere].sort());
    expect(f.reports[0].position).toEqual({ lat: 34.2001, lng: 115.9702 });
    const m1 = f.machines.find((m) => m.id === ids.steelMachine1)!;
    const m2 = f.machines.find((m) => m.id === ids.steelMachine2)!;
    const mm = f.machines.find((m) => m.id === ids.machineryMachine)!;
    expect(m1).toMatchObject({
      chipped: false,
      online: false,
      arcing: false,
      positionSource: 'permit_site',
      position: SITE,
    });
    expect(m2).toMatchObject({ chipped: true, online: true, arcing: true, positionSource: 'device' });
    expect(m2.position).toEqual({ lat: FIX.lat, lng: FIX.lng });
    expect(new Date(m2.positionAt!).toISOString()).toBe(new Date(FIX.fixAt).toISOString());
    expect(mm).toMatchObject({
      positionSource: 'enterprise',
      position: { lat: 34.2489, lng: 116.1321 },
      enterpriseName: '夏邑县宏远农机制造厂',
    });
    expect(f.machines.map((m) => m.enterpriseId)).toEqual(
      expect.arrayContaining([ids.steel, ids.machinery, ids.construction]),
    );
    expect(f.alerts.map((a) => a.id).sort()).toEqual([steelAlert, machineryAlert].sort());
    expect(f.alerts.find((a) => a.id === steelAlert)).toMatchObject({
      machineId: ids.steelMachine1,
      positionSource: 'permit_site',
      position: SITE,
    });
    expect(f.permits).toEqual([
      expect.objectContaining({ id: permitId, enterpriseId: ids.steel, position: SITE, level: 'level2' }),
    ]);
  });

  it('shows permits only while their window holds', async () => {
    clock.set(new Date(cst(5, '18:00')));
    try {
      expect((await features('xiayi.regulator')).permits).toEqual([]);
    } finally {
      clock.set(new Date(cst(5, '10:00')));
    }
  });

  it('keeps a township regulator and an enterprise to their own, whatever the query asks for', async () => {
    const steelIds = [ids.steel, ids.steelMachine1, ids.steelMachine2, permitId, steelAlert];
    const otherIds = [ids.machinery, ids.machineryMachine, machineryAlert, ids.construction];
    const attempts = ['', `?enterpriseId=${ids.steel}`, '?regionCode=411426', `?regionPath=/411426/&scope=all`];
    for (const q of attempts) {
      for (const user of ['matou.regulator', 'machinery.admin']) {
        const text = JSON.stringify(await features(user, q));
        for (const id of steelIds) expect(text).not.toContain(id);
        expect(text).toContain(ids.machineryMachine);
      }
      for (const user of ['huiting.regulator', 'hengda.admin', 'hengda.safety']) {
        const f = await features(user, q);
        const text = JSON.stringify(f);
        for (const id of otherIds) expect(text).not.toContain(id);
        expect(f.machines.map((m) => m.id)).toEqual(expect.arrayContaining([ids.steelMachine1, ids.steelMachine2]));
        expect(f.permits.map((p) => p.id)).toEqual([permitId]);
        expect(f.alerts.map((a) => a.id)).toEqual([steelAlert]);
      }
    }
  });

  it("shows reports by the reports module's rule: the regulator's subtree and those placed nowhere; none to enterprises", async () => {
    const huiting = (await features('huiting.regulator')).reports.map((r) => r.id).sort();
    expect(huiting).toEqual([reportIds.huiting, reportIds.nowhere].sort());
    const matou = (await features('matou.regulator')).reports.map((r) => r.id).sort();
    expect(matou).toEqual([reportIds.matou, reportIds.nowhere].sort());
    for (const user of ['hengda.admin', 'machinery.admin']) expect((await features(user)).reports).toEqual([]);
  });

  it('refuses welders and anonymous callers', async () => {
    expect((await t.http.get('/api/map/features').set(await t.auth('welder.zhang'))).status).toBe(403);
    expect((await request(t.app.getHttpServer()).get('/api/map/features')).status).toBe(401);
  });

  it('answers without a map configured: no tiles, an empty boundary collection', async () => {
    const bare = await createTestApp({ seed: false });
    try {
      expect((await bare.http.get('/api/map/settings')).body).toEqual({
        tiles: null,
        boundaries: false,
        schematic: false,
      });
      expect((await bare.http.get('/api/map/boundaries')).body).toEqual({
        type: 'FeatureCollection',
        schematic: false,
        features: [],
      });
    } finally {
      await bare.close();
    }
  });
});
