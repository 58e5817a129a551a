import * as ExcelJS from 'exceljs';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { cst, DemoIds, demoIds, permitBody } from '../permits/testing/permit-fixtures';
import { AlertType } from './alert-type';
import { AlertView } from './alert.view';
import { AlertsService } from './alerts.service';

type Fields = { field: string; code: string }[];
const fieldCodes = (body: { error: { fields?: Fields } }) =>
  (body.error.fields ?? []).map((f) => `${f.field}:${f.code}`);

function binary(res: unknown, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

async function sheetRecords(buf: Buffer): Promise<Record<string, unknown>[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0];
  const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const out: Record<string, unknown>[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const values = (ws.getRow(r).values as unknown[]).slice(1);
    out.push(Object.fromEntries(headers.map((h, i) => [h, values[i] ?? null])));
  }
  return out;
}

describe('alerts say who, which machine and where; filters, export, unseen badge', () => {
  let t: TestApp;
  let alerts: AlertsService;
  let ids: DemoIds;
  const clock = new FakeClock(new Date(cst(4, '10:00')));
  let permitId: string;
  let steelAlert: AlertView;
  let machineryAlert: AlertView;
  let plainSteelAlert: AlertView;

  const list = async (user: string, query = '') => {
    const res = await t.http.get(`/api/alerts?pageSize=200${query}`).set(await t.auth(user));
    expect(res.status).toBe(200);
    return res.body.items as AlertView[];
  };
  // Only this file's alerts (a background scan could add certificate alerts of the demo welders).
  const idsOf = (items: AlertView[]) =>
    items.map((a) => a.id).filter((id) => [steelAlert.id, plainSteelAlert.id, machineryAlert.id].includes(id));

  beforeAll(async () => {
    t = await createTestApp({ clock });
    alerts = t.app.get(AlertsService);
    ids = await demoIds(t.ds);
    const draft = await t.http
      .post('/api/permits')
      .set(await t.auth('hengda.admin'))
      .send(permitBody(ids));
    expect(draft.status).toBe(201);
    permitId = draft.body.id;
    steelAlert = await alerts.raise({
      type: AlertType.ARC_OUTSIDE_GEOFENCE,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine1,
      welderId: ids.zhang,
      permitId,
      dedupeKey: 'ctx:geofence',
      evidence: { distanceM: 850 },
    });
    clock.advance(5 * 60_000);
    steelAlert = await alerts.raise({
      type: AlertType.ARC_OUTSIDE_GEOFENCE,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine1,
      welderId: ids.zhang,
      permitId,
      dedupeKey: 'ctx:geofence',
      evidence: { distanceM: 900 },
    });
    clock.advance(60_000);
    plainSteelAlert = await alerts.raise({
      type: AlertType.MACHINE_OVERUSE_24H,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine2,
      evidence: { hours: 25 },
    });
    machineryAlert = await alerts.raise({
      type: AlertType.ARC_WITHOUT_GRANT,
      enterpriseId: ids.machinery,
      machineId: ids.machineryMachine,
      welderId: ids.chen,
      evidence: { currentA: 120 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('names the enterprise, machine (name and code), welder (ID masked), township, place, permit, occurrences', async () => {
    const [code] = await t.ds.query(
      `SELECT code FROM identity_codes WHERE subject_type = 'machine' AND subject_id = $1 AND status = 'active'`,
      [ids.steelMachine1],
    );
    const [zhang] = await t.ds.query(`SELECT id_number_masked FROM welders WHERE id = $1`, [ids.zhang]);
    const expected = {
      enterpriseName: '夏邑县恒达钢结构有限公司',
      machineName: '1号车间氩弧焊机',
      machineCode: code.code,
      welderName: '张伟',
      welderIdMasked: zhang.id_number_masked,
      townshipCode: '411426100',
      townshipName: '会亭镇',
      placeAddress: '会亭镇工业园区纬一路8号 2号车间',
      placeLatitude: 34.1721,
      placeLongitude: 116.0012,
      placeSource: 'permit',
      permitId,
      permitWork: '2号车间钢梁焊接',
      count: 2,
    };
    const listed = (await list('huiting.regulator')).find((a) => a.id === steelAlert.id)!;
    expect(listed).toMatchObject(expected);
    expect(new Date(listed.lastSeenAt).getTime() - new Date(listed.firstSeenAt).getTime()).toBe(5 * 60_000);
    expect(new Date(listed.permitStart!).toISOString()).toBe(new Date(cst(5, '09:00')).toISOString());
    expect(JSON.stringify(listed)).not.toContain('41142619850312001');
    const one = await t.http.get(`/api/alerts/${steelAlert.id}`).set(await t.auth('hengda.admin'));
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject(expected);
    // The raise itself answers with the same context (the live stream sends this view).
    expect(steelAlert).toMatchObject({ machineName: '1号车间氩弧焊机', welderName: '张伟', townshipName: '会亭镇' });
  });

  it("without a permit the place is the enterprise's address; two alerts of one enterprise differ by machine", async () => {
    const items = await list('hengda.admin');
    const plain = items.find((a) => a.id === plainSteelAlert.id)!;
    expect(plain).toMatchObject({
      machineName: '2号车间二保焊机',
      welderName: null,
      permitId: null,
      permitWork: null,
      placeAddress: '会亭镇工业园区纬一路8号',
      placeSource: 'enterprise',
      placeLatitude: 34.1721,
      townshipName: '会亭镇',
    });
    const machinery = (await list('xiayi.regulator')).find((a) => a.id === machineryAlert.id)!;
    expect(machinery).toMatchObject({ townshipName: '马头镇', welderName: '陈静', machineName: '点焊机' });
  });

  it('filters by township (region subtree), enterprise, type, severity and period', async () => {
    const huiting = idsOf(await list('xiayi.regulator', '&regionCode=411426100'));
    expect(huiting).toEqual(expect.arrayContaining([steelAlert.id, plainSteelAlert.id]));
    expect(huiting).not.toContain(machineryAlert.id);
    expect(idsOf(await list('xiayi.regulator', '&regionCode=411426101'))).toEqual([machineryAlert.id]);
    expect(idsOf(await list('xiayi.regulator', '&regionCode=411426'))).toEqual(
      expect.arrayContaining([steelAlert.id, plainSteelAlert.id, machineryAlert.id]),
    );
    expect(idsOf(await list('xiayi.regulator', `&enterpriseId=${ids.machinery}`))).toEqual([machineryAlert.id]);
    expect(idsOf(await list('xiayi.regulator', '&type=MACHINE_OVERUSE_24H'))).toEqual([plainSteelAlert.id]);
    const critical = await list('xiayi.regulator', '&severity=critical');
    expect(critical.every((a) => a.severity === 'critical')).toBe(true);
    expect(idsOf(critical)).toContain(machineryAlert.id);
    const before = await list('xiayi.regulator', `&to=${encodeURIComponent(cst(4, '10:01'))}`);
    expect(idsOf(before)).toEqual([steelAlert.id]);
    const after = await list(
      'xiayi.regulator',
      `&from=${encodeURIComponent(cst(4, '10:06'))}&to=${encodeURIComponent(cst(4, '11:00'))}`,
    );
    expect(idsOf(after)).toEqual(expect.arrayContaining([plainSteelAlert.id, machineryAlert.id]));
  });

  it('keeps tenant scope under every filter', async () => {
    expect(await list('hengda.admin', `&enterpriseId=${ids.machinery}`)).toEqual([]);
    expect(await list('hengda.admin', '&regionCode=411426101')).toEqual([]);
    expect(await list('huiting.regulator', '&regionCode=411426101')).toEqual([]);
    expect(await list('huiting.regulator', `&enterpriseId=${ids.machinery}`)).toEqual([]);
    const county = idsOf(await list('huiting.regulator', '&regionCode=411426'));
    expect(county).not.toContain(machineryAlert.id);
    expect(county).toContain(steelAlert.id);
    expect((await t.http.get('/api/alerts/export.xlsx').set(await t.auth('welder.zhang'))).status).toBe(403);
  });

  it('refuses bad filters with field codes', async () => {
    const auth = await t.auth('xiayi.regulator');
    const bad = await t.http.get('/api/alerts?regionCode=abc&severity=loud').set(auth);
    expect(bad.status).toBe(400);
    expect(fieldCodes(bad.body)).toEqual(expect.arrayContaining(['regionCode:isRegionCode', 'severity:isEnum']));
    const unknown = await t.http.get('/api/alerts?regionCode=411426999').set(auth);
    expect(unknown.status).toBe(400);
    expect(fieldCodes(unknown.body)).toEqual(['regionCode:unknownRegion']);
    const exportBad = await t.http.get('/api/alerts/export.xlsx?regionCode=411426999').set(auth);
    expect(exportBad.status).toBe(400);
  });

  it('exports the filtered, scoped list as xlsx and audits the export', async () => {
    const res = await t.http
      .get('/api/alerts/export.xlsx?regionCode=411426100')
      .set(await t.auth('huiting.regulator'))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('alerts-2026-01-04.xlsx');
    // Streamed as it is read (export worker, cursor), not built whole: chunked, no length.
    expect(res.headers['content-length']).toBeUndefined();
    // …and it ends only once it is audited.
    expect(await t.ds.query(`SELECT 1 FROM audit_log WHERE action = 'alert.export'`)).toHaveLength(1);
    const rows = await sheetRecords(res.body as Buffer);
    expect(rows.map((r) => r['设备名称'])).toEqual(expect.arrayContaining(['1号车间氩弧焊机', '2号车间二保焊机']));
    const geofence = rows.find((r) => r['设备名称'] === '1号车间氩弧焊机')!;
    expect(geofence).toMatchObject({
      级别: '严重',
      单位: '夏邑县恒达钢结构有限公司',
      乡镇: '会亭镇',
      焊工: '张伟',
      作业票: '2号车间钢梁焊接',
      地点: '会亭镇工业园区纬一路8号 2号车间',
      发生次数: 2,
      首次发生: '2026-01-04 10:00',
      最近发生: '2026-01-04 10:05',
    });
    expect(rows.map((r) => r['设备名称'])).not.toContain('点焊机');
    const own = await t.http
      .get(`/api/alerts/export.xlsx?enterpriseId=${ids.machinery}`)
      .set(await t.auth('hengda.admin'))
      .buffer(true)
      .parse(binary);
    expect(await sheetRecords(own.body as Buffer)).toEqual([]);
    const audit = await t.ds.query(
      `SELECT actor_user_id, after FROM audit_log WHERE action = 'alert.export' ORDER BY id`,
    );
    // The empty export took nothing out: only the first is in the audit log.
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_user_id).toBe(ids.users['huiting.regulator']);
    expect(audit[0].after).toMatchObject({ rows: rows.length, complete: true, filters: { regionCode: '411426100' } });
  });

  it('counts unseen open alerts per user: opening the list clears them; a new alert or a repeat shows again', async () => {
    const auth = await t.auth('hengda.admin');
    const unseen = async () => (await t.http.get('/api/alerts/unseen').set(auth)).body.unseen as number;
    const open = (await list('hengda.admin', '&state=open')).length;
    expect(await unseen()).toBe(open);
    const missing = await t.http.post('/api/alerts/seen').set(auth).send({});
    expect(missing.status).toBe(400);
    expect(fieldCodes(missing.body)).toContain('upTo:isInstant');
    // A mark in the future counts as now: it cannot hide alerts still to come.
    const seen = await t.http.post('/api/alerts/seen').set(auth).send({ upTo: '2030-01-01T00:00:00+08:00' });
    expect(seen.status).toBe(200);
    expect(seen.body.unseen).toBe(0);
    expect(new Date(seen.body.seenAt).toISOString()).toBe(clock.now().toISOString());
    // Another user's mark is their own.
    expect((await t.http.get('/api/alerts/unseen').set(await t.auth('huiting.regulator'))).body.unseen).toBeGreaterThan(
      0,
    );
    clock.advance(60_000);
    await alerts.raise({
      type: AlertType.ARC_OUTSIDE_GEOFENCE,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine1,
      dedupeKey: 'ctx:geofence',
      evidence: { distanceM: 950 },
    });
    expect(await unseen()).toBe(1);
    await alerts.raise({ type: AlertType.TAMPER, enterpriseId: ids.machinery, evidence: { lid: 'open' } });
    expect(await unseen()).toBe(1);
    // An acknowledged alert is no longer waiting for anyone.
    await t.http.post(`/api/alerts/${steelAlert.id}/acknowledge`).set(auth).send({});
    expect(await unseen()).toBe(0);
  });

  it('notClosed selects what the overview counts as not closed (open and acknowledged)', async () => {
    const auth = await t.auth('xiayi.regulator');
    expect(
      (await t.http.post(`/api/alerts/${machineryAlert.id}/close`).set(auth).send({ note: '已处理' })).status,
    ).toBe(200);
    const notClosed = idsOf(await list('xiayi.regulator', '&notClosed=true'));
    expect(notClosed).toEqual(expect.arrayContaining([steelAlert.id, plainSteelAlert.id])); // acknowledged and open
    expect(notClosed).not.toContain(machineryAlert.id);
    const bad = await t.http.get('/api/alerts?notClosed=maybe').set(auth);
    expect(fieldCodes(bad.body)).toContain('notClosed:isBoolean');
  });
});
