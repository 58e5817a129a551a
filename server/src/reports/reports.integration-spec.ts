import { createTestApp, TestApp } from '../../test-support/test-app';
import { CodesService } from '../codes/codes.service';
import { CodeSubjectType } from '../codes/identity-code.entity';
import { FakeClock } from '../common/clock/clock';
import { PUBLIC_REPORT_RATE_LIMIT } from './report-throttler.guards';

jest.setTimeout(90_000);

type Fields = { field: string; code: string }[];
const fieldCodes = (body: { error: { fields?: Fields } }) =>
  (body.error.fields ?? []).map((f) => `${f.field}:${f.code}`);

const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('fake jpeg body'),
  Buffer.from([0xff, 0xd9]),
]);
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('fake png body'),
]);
const PHONE = '13912345678';
const HUITING = '/411426/411426100/';

describe('public reports (一键举报)', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-05-01T02:00:00Z'));
  const ids: Record<string, string> = {};
  const tracking: Record<string, string> = {};

  const machineCode = async (serial: string): Promise<string> =>
    (
      await t.ds.query(
        `SELECT c.code FROM machines m JOIN identity_codes c ON c.subject_type = 'machine' AND c.subject_id = m.id AND c.status = 'active' WHERE m.serial_number = $1`,
        [serial],
      )
    )[0].code;
  const submitJson = (body: Record<string, unknown>) => t.http.post('/api/public/reports').send(body);
  const idOf = async (trackingCode: string) =>
    (await t.ds.query('SELECT id FROM reports WHERE tracking_code = $1', [trackingCode]))[0].id as string;
  const listIds = async (user: string) => {
    const res = await t.http.get('/api/reports?pageSize=200').set(await t.auth(user));
    expect(res.status).toBe(200);
    return (res.body.items as { id: string }[]).map((r) => r.id).sort();
  };
  const transition = async (user: string, id: string, body: Record<string, unknown>) =>
    t.http
      .post(`/api/reports/${id}/transition`)
      .set(await t.auth(user))
      .send(body);

  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes a multipart report with photos, location and contact, placed by the scanned machine; answers a tracking code', async () => {
    const code = await machineCode('SD-WS400-240101');
    const res = await t.http
      .post('/api/public/reports')
      .field('description', '厂房外有人夜间焊接钢架，旁边堆着纸箱')
      .field('machineCode', `https://arcgate.test/q/${code.toLowerCase()}`)
      .field('latitude', '34.1722')
      .field('longitude', '116.0013')
      .field('contact', PHONE)
      .attach('photos', JPEG, { filename: '现场.jpg', contentType: 'image/jpeg' })
      .attach('photos', PNG, { filename: 'b.png', contentType: 'application/octet-stream' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      trackingCode: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{10}$/),
      displayCode: expect.any(String),
      status: 'received',
      submittedAt: '2026-05-01T02:00:00.000Z',
    });
    expect(res.body.displayCode).toBe(`${res.body.trackingCode.slice(0, 5)}-${res.body.trackingCode.slice(5)}`);
    tracking.steel = res.body.trackingCode;
    ids.steel = await idOf(tracking.steel);
    const [row] = await t.ds.query('SELECT * FROM reports WHERE id = $1', [ids.steel]);
    expect(row).toMatchObject({
      machine_code: code,
      machine_code_state: 'valid',
      region_code: '411426100',
      region_path: HUITING,
      latitude: '34.172200',
      reporter_contact_masked: '139****5678',
      status: 'received',
    });
    expect(row.enterprise_id).not.toBeNull();
    expect(row.reporter_contact_enc).toMatch(/^v1:/);
    expect(row.reporter_contact_enc).not.toContain(PHONE);
    const photos = await t.ds.query(
      'SELECT position, content_type, size_bytes FROM report_photos WHERE report_id = $1 ORDER BY position',
      [ids.steel],
    );
    expect(photos).toEqual([
      { position: 1, content_type: 'image/jpeg', size_bytes: JPEG.length },
      { position: 2, content_type: 'image/png', size_bytes: PNG.length },
    ]);
  });

  it('places reports by the picked region, keeps forged codes as evidence, and leaves the rest unplaced', async () => {
    const matou = await submitJson({
      description: '马头镇集市旁有人无证电焊',
      regionCode: '411426101',
      address: '马头镇商丘路与建设路交叉口',
    });
    expect(matou.status).toBe(201);
    ids.matou = await idOf(matou.body.trackingCode);
    const nowhere = await submitJson({
      description: '路边有人焊接广告牌，没有看到任何防火措施',
      machineCode: '',
      contact: '',
    });
    expect(nowhere.status).toBe(201);
    ids.nowhere = await idOf(nowhere.body.trackingCode);
    const genuine = await machineCode('AT-NBC500-230877');
    const forgedCode = genuine.slice(0, 8) + (genuine[8] === 'A' ? 'B' : 'A') + genuine.slice(9);
    const forged = await submitJson({
      description: '焊机上的二维码看起来是复印的',
      machineCode: forgedCode,
      regionCode: '411426100',
    });
    expect(forged.status).toBe(201);
    ids.forged = await idOf(forged.body.trackingCode);
    const unissued = t.app.get(CodesService).signer.generate(CodeSubjectType.Machine);
    const unknown = await submitJson({ description: '扫到一个平台查不到的焊机码', machineCode: unissued });
    expect(unknown.status).toBe(201);
    ids.unknown = await idOf(unknown.body.trackingCode);
    const rows = await t.ds.query(
      'SELECT id, machine_code_state, machine_id, region_path, reporter_contact_enc FROM reports',
    );
    const byId = Object.fromEntries(rows.map((r: { id: string }) => [r.id, r]));
    expect(byId[ids.matou]).toMatchObject({ machine_code_state: null, region_path: '/411426/411426101/' });
    expect(byId[ids.nowhere]).toMatchObject({
      machine_code_state: null,
      region_path: null,
      reporter_contact_enc: null,
    });
    expect(byId[ids.forged]).toMatchObject({ machine_code_state: 'forged', machine_id: null, region_path: HUITING });
    expect(byId[ids.unknown]).toMatchObject({ machine_code_state: 'unknown', machine_id: null, region_path: null });
  });

  it('tells the reporter the status by tracking code, and nothing else', async () => {
    const typed = `${tracking.steel.slice(0, 5).toLowerCase()}-${tracking.steel.slice(5)}`;
    const res = await t.http.get(`/api/public/reports/${typed}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      trackingCode: tracking.steel,
      displayCode: expect.any(String),
      status: 'received',
      rewardEligible: false,
      submittedAt: '2026-05-01T02:00:00.000Z',
      updatedAt: '2026-05-01T02:00:00.000Z',
    });
    expect((await t.http.get('/api/public/reports/ZZZZZZZZZZ')).status).toBe(404);
    const bad = await t.http.get('/api/public/reports/not-a-code!');
    expect(bad.status).toBe(400);
    expect(fieldCodes(bad.body)).toEqual(['trackingCode:malformed']);
  });

  it('lists county and townships for reporters to pick', async () => {
    const res = await t.http.get('/api/public/report-regions');
    expect(res.status).toBe(200);
    expect(res.body[0]).toEqual({ code: '411426', name: '夏邑县', level: 'county', parentCode: null });
    expect(res.body.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['会亭镇', '马头镇']));
    expect(res.body.some((r: { level: string }) => r.level === 'village')).toBe(false);
  });

  it('scopes reports: regulators their subtree plus unplaced ones; enterprises and welders nothing', async () => {
    expect(await listIds('huiting.regulator')).toEqual([ids.steel, ids.nowhere, ids.forged, ids.unknown].sort());
    expect(await listIds('xiayi.regulator')).toEqual(Object.values(ids).sort());
    expect(await listIds('admin')).toEqual(Object.values(ids).sort());
    const huiting = await t.auth('huiting.regulator');
    expect((await t.http.get(`/api/reports/${ids.matou}`).set(huiting)).status).toBe(404);
    expect((await transition('huiting.regulator', ids.matou, { to: 'verifying' })).status).toBe(404);
    for (const user of ['hengda.admin', 'welder.zhang']) {
      const auth = await t.auth(user);
      expect((await t.http.get('/api/reports').set(auth)).status).toBe(403);
      expect((await t.http.get(`/api/reports/${ids.steel}`).set(auth)).status).toBe(403);
      expect((await t.http.get(`/api/reports/${ids.steel}/photos/${ids.steel}`).set(auth)).status).toBe(403);
      expect((await transition(user, ids.steel, { to: 'verifying' })).status).toBe(403);
    }
    expect((await t.http.get('/api/reports')).status).toBe(401);
  });

  it('shows regulators the report with machine, owner, photos and the contact masked only', async () => {
    const auth = await t.auth('huiting.regulator');
    const res = await t.http.get(`/api/reports/${ids.steel}`).set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: ids.steel,
      status: 'received',
      machineCodeState: 'valid',
      regionCode: '411426100',
      latitude: 34.1722,
      longitude: 116.0013,
      machine: { name: '1号车间氩弧焊机', serialNumber: 'SD-WS400-240101' },
      enterprise: { name: '夏邑县恒达钢结构有限公司' },
      reporterContact: '139****5678',
      photoCount: 2,
      allowedNext: ['verifying', 'rejected'],
      trail: [{ from: null, to: 'received', note: null, actor: 'public', at: '2026-05-01T02:00:00.000Z' }],
    });
    expect(res.body.photos).toHaveLength(2);
    const photo = await t.http.get(`/api/reports/${ids.steel}/photos/${res.body.photos[1].id}`).set(auth).buffer(true);
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(photo.body as Buffer, PNG)).toBe(0);
    // A photo of one report is not reachable under another report's id.
    expect((await t.http.get(`/api/reports/${ids.nowhere}/photos/${res.body.photos[0].id}`).set(auth)).status).toBe(
      404,
    );
    const list = await t.http.get('/api/reports?pageSize=200').set(await t.auth('xiayi.regulator'));
    const everything =
      JSON.stringify(list.body) +
      JSON.stringify(res.body) +
      JSON.stringify(await t.ds.query('SELECT before, after FROM audit_log'));
    expect(everything).not.toContain(PHONE);
    expect(everything).not.toContain('12345678');
  });

  it('runs the closed loop: verifying → verified (reward due) → closed with a sign-off note; trail and audit kept', async () => {
    const premature = await transition('huiting.regulator', ids.steel, { to: 'verified', note: '属实' });
    expect(premature.status).toBe(409);
    expect(premature.body.error).toMatchObject({
      code: 'INVALID_STATE',
      details: { from: 'received', to: 'verified', allowed: ['verifying', 'rejected'] },
    });
    expect((await transition('huiting.regulator', ids.steel, { to: 'verifying' })).body.status).toBe('verifying');
    clock.set('2026-05-02T03:00:00Z');
    const noFinding = await transition('huiting.regulator', ids.steel, { to: 'verified' });
    expect(noFinding.status).toBe(400);
    expect(fieldCodes(noFinding.body)).toEqual(['note:isNotEmpty']);
    const verified = await transition('huiting.regulator', ids.steel, {
      to: 'verified',
      note: '现场核查属实，已责令停工整改',
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'verified', rewardEligible: true, allowedNext: ['closed'] });
    // 审核把关销号: the regulator who verified it cannot also sign it off.
    const ownSignOff = await transition('huiting.regulator', ids.steel, { to: 'closed', note: '本人核查并销号' });
    expect(ownSignOff.status).toBe(403);
    expect(ownSignOff.body.error.code).toBe('SIGN_OFF_BY_HANDLER');
    const noSignOff = await transition('xiayi.regulator', ids.steel, { to: 'closed', note: '   ' });
    expect(noSignOff.status).toBe(400);
    expect(fieldCodes(noSignOff.body)).toContain('note:matches');
    const closed = await transition('xiayi.regulator', ids.steel, { to: 'closed', note: '整改完成，审核把关销号' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedAt: '2026-05-02T03:00:00.000Z', allowedNext: [] });
    expect(closed.body.trail.map((e: { to: string; actor: string }) => `${e.to}:${e.actor}`)).toEqual([
      'received:public',
      'verifying:huiting.regulator',
      'verified:huiting.regulator',
      'closed:xiayi.regulator',
    ]);
    expect((await transition('xiayi.regulator', ids.steel, { to: 'verifying' })).status).toBe(409);

    const publicView = await t.http.get(`/api/public/reports/${tracking.steel}`);
    expect(publicView.body).toMatchObject({
      status: 'closed',
      rewardEligible: true,
      updatedAt: '2026-05-02T03:00:00.000Z',
    });
    expect(JSON.stringify(publicView.body)).not.toContain('整改');

    const audit = await t.ds.query(
      `SELECT action, actor_role, enterprise_id, region_path FROM audit_log WHERE entity_type = 'report' AND entity_id = $1 ORDER BY id`,
      [ids.steel],
    );
    expect(audit).toEqual([
      { action: 'report.submit', actor_role: 'system', enterprise_id: null, region_path: HUITING },
      { action: 'report.verifying', actor_role: 'regulator', enterprise_id: null, region_path: HUITING },
      { action: 'report.verified', actor_role: 'regulator', enterprise_id: null, region_path: HUITING },
      { action: 'report.closed', actor_role: 'regulator', enterprise_id: null, region_path: HUITING },
    ]);
    // The reported enterprise cannot find the report through its own audit log either.
    const enterpriseAudit = await t.http.get('/api/audit?pageSize=200').set(await t.auth('hengda.admin'));
    expect(enterpriseAudit.status).toBe(200);
    expect(JSON.stringify(enterpriseAudit.body)).not.toContain('report');
  });

  it('rejects unfounded reports straight away, with a reason', async () => {
    expect(fieldCodes((await transition('admin', ids.unknown, { to: 'rejected' })).body)).toEqual(['note:isNotEmpty']);
    const rejected = await transition('admin', ids.unknown, { to: 'rejected', note: '经查该处无焊接作业' });
    expect(rejected.body).toMatchObject({ status: 'rejected', rewardEligible: false, allowedNext: ['closed'] });
  });

  it('answers bad reports with 4xx and field codes', async () => {
    const welderCode = (
      await t.ds.query(`SELECT code FROM identity_codes WHERE subject_type = 'welder' AND status = 'active' LIMIT 1`)
    )[0].code;
    const good = { description: '有人在仓库里焊接' };
    const cases: [Record<string, unknown>, number, string[]][] = [
      [{}, 400, ['description:minLength']],
      [{ description: '焊接' }, 400, ['description:minLength']],
      [{ ...good, colour: 'red' }, 400, ['colour:unknownField']],
      [{ ...good, latitude: 34.1 }, 400, ['longitude:bothOrNeither']],
      [{ ...good, latitude: 200, longitude: 'east' }, 400, ['latitude:max', 'longitude:isNumber']],
      [{ ...good, contact: '12345' }, 400, ['contact:isMobile']],
      [{ ...good, machineCode: '../../etc/passwd' }, 400, ['machineCode:codeMalformed']],
      [{ ...good, machineCode: welderCode }, 400, ['machineCode:notAMachineCode']],
      [{ ...good, regionCode: '411426999' }, 422, ['regionCode:unknownRegion']],
    ];
    for (const [body, status, codes] of cases) {
      const res = await submitJson(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(fieldCodes(res.body)).toEqual(expect.arrayContaining(codes));
    }
    const withPhotos = (...photos: Buffer[]) =>
      photos.reduce(
        (req, p, i) => req.attach('photos', p, { filename: `p${i}.jpg`, contentType: 'image/jpeg' }),
        t.http.post('/api/public/reports').field('description', good.description),
      );
    const four = await withPhotos(JPEG, JPEG, JPEG, JPEG);
    expect(four.status).toBe(400);
    expect(fieldCodes(four.body)).toEqual(['photos:arrayMaxSize']);
    const gif = await withPhotos(JPEG, Buffer.from('GIF89a fake'));
    expect(gif.status).toBe(415);
    expect(fieldCodes(gif.body)).toEqual(['photos[1]:unsupportedFile']);
    const huge = await withPhotos(Buffer.concat([JPEG, Buffer.alloc(5 * 1024 * 1024)]));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    // None of the refused ones was stored.
    expect((await t.ds.query('SELECT count(*)::int AS n FROM reports'))[0].n).toBe(Object.keys(ids).length);

    const auth = await t.auth('xiayi.regulator');
    expect(
      fieldCodes((await t.http.post(`/api/reports/${ids.matou}/transition`).set(auth).send({ to: 'done' })).body),
    ).toEqual(['to:isEnum']);
    expect(
      fieldCodes((await t.http.post('/api/reports/nope/transition').set(auth).send({ to: 'verifying' })).body),
    ).toEqual(['id:isUuid']);
    expect(fieldCodes((await t.http.get('/api/reports?status=lost').set(auth)).body)).toEqual(['status:isEnum']);
    expect((await t.http.get(`/api/reports/${ids.matou}/photos/nope`).set(auth)).status).toBe(400);
  });
});

describe('public report rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it(`takes ${PUBLIC_REPORT_RATE_LIMIT.limit} reports per address in 10 minutes, then answers 429; status look-ups are counted apart`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PUBLIC_REPORT_RATE_LIMIT.limit; i++)
      statuses.push(
        (await t.http.post('/api/public/reports').send({ description: `第 ${i} 次举报：有人违规焊接` })).status,
      );
    expect(statuses.every((s) => s === 201)).toBe(true);
    const blocked = await t.http.post('/api/public/reports').send({ description: '再举报一次，有人违规焊接' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect((await t.http.get('/api/public/reports/ZZZZZZZZZZ')).status).toBe(404);
    expect((await t.ds.query('SELECT count(*)::int AS n FROM reports'))[0].n).toBe(PUBLIC_REPORT_RATE_LIMIT.limit);
  });
});
