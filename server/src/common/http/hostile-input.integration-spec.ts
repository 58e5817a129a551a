import { FakeClock } from '../clock/clock';
import { createTestApp, TestApp } from '../../../test-support/test-app';
import { cst, DemoIds, demoIds, permitBody } from '../../permits/testing/permit-fixtures';

/**
 * Issue 12 ("Trust under attack"), the bad-input classes: each case failed with a 500, a rolled-over
 * date or a missing header before the global fix, and is a field-level 4xx (or a header) after it.
 */
type Fields = { field: string; code: string }[];
const codes = (body: { error?: { fields?: Fields } }) => (body.error?.fields ?? []).map((f) => `${f.field}:${f.code}`);
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('fake jpeg body'),
  Buffer.from([0xff, 0xd9]),
]);

function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function expectErrorShape(body: unknown): void {
  expect(body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
}

describe('hostile input is refused with 4xx and field codes, never 500', () => {
  let t: TestApp;
  let ids: DemoIds;
  let draftId: string;
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  const count = async (table: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    const draft = await t.http
      .post('/api/permits')
      .set(await t.auth('hengda.admin'))
      .send(permitBody(ids));
    expect(draft.status).toBe(201);
    draftId = draft.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('deeply nested and oversized JSON', () => {
    it.each([
      ['log-in', '/api/auth/login'],
      ['the public report', '/api/public/reports'],
      ['a permit', '/api/permits'],
    ])('3,000 levels to %s: 400 BODY_TOO_DEEP before anything recurses', async (_what, url) => {
      const res = await t.http
        .post(url)
        .set(await t.auth('hengda.admin'))
        .set('Content-Type', 'application/json')
        .send(nested(3000));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BODY_TOO_DEEP');
    });

    it('32 levels are parsed (then refused by validation); brackets in strings do not count', async () => {
      const ok = await t.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(`{"username":"${'['.repeat(100)}","password":${nested(31)}}`);
      expect(ok.status).toBe(400);
      expect(ok.body.error.code).toBe('VALIDATION_FAILED');
    });

    it('a 10 MB body: 413 PAYLOAD_TOO_LARGE in the error shape', async () => {
      const res = await t.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ username: 'x'.repeat(10 * 1024 * 1024), password: 'x' }));
      expect(res.status).toBe(413);
      expectErrorShape(res.body);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('a 10 MB upload: 413 PAYLOAD_TOO_LARGE in the error shape', async () => {
      const res = await t.http
        .post('/api/ledgers/machines/import')
        .set(await t.auth('hengda.admin'))
        .attach('file', Buffer.alloc(10 * 1024 * 1024), { filename: 'big.xlsx' });
      expect(res.status).toBe(413);
      expectErrorShape(res.body);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('NUL and lone surrogates: 400 naming the field, wherever they come', () => {
    it('body, top level (log-in)', async () => {
      const res = await t.http.post('/api/auth/login').send({ username: 'hengda.admin\u0000', password: 'x' });
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['username:nulCharacter']);
    });

    it('body, nested (permit site address) and array elements', async () => {
      const auth = await t.auth('hengda.admin');
      const res = await t.http
        .post('/api/permits')
        .set(auth)
        .send(permitBody(ids, { site: { ...(permitBody(ids).site as object), address: '2号车间\uD800' } }));
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['site.address:loneSurrogate']);
      const arr = await t.http
        .patch(`/api/permits/${draftId}`)
        .set(auth)
        .send({ welderIds: [ids.zhang, 'a\u0000'] });
      expect(codes(arr.body)).toEqual(['welderIds[1]:nulCharacter']);
      const lowAlone = await t.http.patch(`/api/permits/${draftId}`).set(auth).send({ workDescription: 'x\uDC00y' });
      expect(codes(lowAlone.body)).toEqual(['workDescription:loneSurrogate']);
      // A well-formed pair (an emoji) is text like any other.
      expect(
        (await t.http.patch(`/api/permits/${draftId}`).set(auth).send({ workDescription: '钢梁焊接 \uD83D\uDD25' }))
          .status,
      ).toBe(200);
    });

    it('body, multipart fields of the public report', async () => {
      const res = await t.http
        .post('/api/public/reports')
        .field('description', '有人违规焊接\u0000钢架')
        .attach('photos', JPEG, { filename: 'a.jpg', contentType: 'image/jpeg' });
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['description:nulCharacter']);
    });

    it('query string (search ?q=, list filters)', async () => {
      const auth = await t.auth('hengda.admin');
      const q = await t.http.get('/api/machines?q=%00').set(auth);
      expect(q.status).toBe(400);
      expect(codes(q.body)).toEqual(['q:nulCharacter']);
      const welders = await t.http.get('/api/welders?q=a%00b').set(auth);
      expect(codes(welders.body)).toEqual(['q:nulCharacter']);
    });

    it('route parameters (/regions/%00, public report status)', async () => {
      const region = await t.http.get('/api/regions/%00').set(await t.auth('hengda.admin'));
      expect(region.status).toBe(400);
      expect(codes(region.body)).toEqual(['code:nulCharacter']);
      const report = await t.http.get('/api/public/reports/AB%00CD');
      expect(report.status).toBe(400);
      expect(codes(report.body)).toEqual(['trackingCode:nulCharacter']);
    });
  });

  describe('wrong shapes: null, arrays for objects, impossible dates, wrong content type', () => {
    it('latitude: null on a public report', async () => {
      const res = await t.http
        .post('/api/public/reports')
        .send({ description: '有人违规焊接钢架', latitude: null, longitude: 116 });
      expect(res.status).toBe(400);
      expect(codes(res.body)).toContain('latitude:isNotNull');
    });

    it('site: [] and fireWatcher: [] on permits; nested arrays for objects', async () => {
      const auth = await t.auth('hengda.admin');
      const before = await count('permits');
      expect(
        codes(
          (
            await t.http
              .post('/api/permits')
              .set(auth)
              .send(permitBody(ids, { site: [] }))
          ).body,
        ),
      ).toContain('site:isObject');
      expect(
        codes(
          (
            await t.http
              .post('/api/permits')
              .set(auth)
              .send(permitBody(ids, { fireWatcher: [] }))
          ).body,
        ),
      ).toContain('fireWatcher:isObject');
      expect(
        codes(
          (
            await t.http
              .patch(`/api/permits/${draftId}`)
              .set(auth)
              .send({ fireWatcher: [{ name: '王', phone: '13900009999' }] })
          ).body,
        ),
      ).toContain('fireWatcher:isObject');
      const site = { address: 'a', point: [], geofence: { type: 'circle', center: [], radiusM: 50 } };
      expect(codes((await t.http.post('/api/permits').set(auth).send(permitBody(ids, { site }))).body)).toEqual(
        expect.arrayContaining(['site.point:isObject', 'site.geofence.center:isObject']),
      );
      expect(await count('permits')).toBe(before);
    });

    it('null on PATCH fields that cannot be null; documented nullable fields still take it', async () => {
      const auth = await t.auth('hengda.admin');
      for (const field of [
        'workDescription',
        'level',
        'site',
        'plannedStart',
        'welderIds',
        'fireWatcher',
        'checklist',
      ]) {
        const res = await t.http
          .patch(`/api/permits/${draftId}`)
          .set(auth)
          .send({ [field]: null });
        expect(res.status).toBe(400);
        expect(codes(res.body)).toContain(`${field}:isNotNull`);
      }
      expect(
        codes(
          (
            await t.http
              .patch(`/api/permits/${draftId}`)
              .set(auth)
              .send({ checklist: { ppeInPlace: null } })
          ).body,
        ),
      ).toContain('checklist.ppeInPlace:isNotNull');
      const machine = await t.http.patch(`/api/machines/${ids.steelMachine1}`).set(auth).send({ ratedCurrentA: null });
      expect(machine.status).toBe(200);
    });

    it.each([
      ['audit', '/api/audit?from=2026-02-30T00:00:00Z'],
      ['audit', '/api/audit?to=2026-13-01T00:00:00Z'],
      ['arcs', '/api/arcs?from=2026-02-30T00:00:00Z'],
      ['arcs', '/api/arcs?from=2026-02-30'],
      ['alerts', '/api/alerts?from=2026-02-30T00:00:00Z'],
    ])('an impossible date on the %s list: %s', async (_what, url) => {
      const res = await t.http.get(url).set(await t.auth('xiayi.regulator'));
      expect(res.status).toBe(400);
      expect(codes(res.body).some((c) => /^(from|to):isInstant$/.test(c))).toBe(true);
    });

    it.each([
      ['/api/broker/auth'],
      ['/api/broker/acl'],
      ['/api/broker/mosquitto/user'],
      ['/api/broker/mosquitto/acl'],
      ['/api/auth/login'],
    ])('text/plain on %s: 415 UNSUPPORTED_MEDIA_TYPE', async (url) => {
      const res = await t.http
        .post(url)
        .set('X-Broker-Secret', 'whatever')
        .set('Content-Type', 'text/plain')
        .send('username=x&password=y');
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('form-encoded and stray multipart bodies are refused on JSON endpoints; the report still takes multipart', async () => {
      expect(
        (await t.http.post('/api/auth/login').type('form').send({ username: 'hengda.admin', password: 'x' })).status,
      ).toBe(415);
      expect(
        (await t.http.post('/api/auth/login').field('username', 'hengda.admin').field('password', 'x')).status,
      ).toBe(415);
    });
  });

  describe('impossible and back-dated dates are refused, not rolled over', () => {
    it('permits: 2026-11-31, 24:00 and year 0000', async () => {
      const auth = await t.auth('hengda.admin');
      for (const plannedEnd of [
        '2026-11-31T09:00:00+08:00',
        '2026-01-05T24:00:00+08:00',
        '0000-01-05T09:00:00+08:00',
        '2026-02-29T09:00:00Z',
      ]) {
        const res = await t.http.post('/api/permits').set(auth).send(permitBody(ids, { plannedEnd }));
        expect(res.status).toBe(400);
        expect(codes(res.body)).toEqual(['plannedEnd:isInstant']);
      }
      // 2028 is a leap year.
      expect(
        codes(
          (await t.http.patch(`/api/permits/${draftId}`).set(auth).send({ plannedEnd: '2028-02-29T09:00:00+08:00' }))
            .body,
        ),
      ).not.toContain('plannedEnd:isInstant');
    });

    it('gas analyses: year 0000 and 2026-11-31', async () => {
      const auth = await t.auth('hengda.admin');
      for (const takenAt of ['0000-01-05T08:00:00+08:00', '2026-11-31T08:00:00+08:00']) {
        const res = await t.http
          .post(`/api/permits/${draftId}/gas-analyses`)
          .set(auth)
          .send({ takenAt, gas: '甲烷', lelClass: 'ge4', readingPercentVol: 0.1, analyst: '李' });
        expect(res.status).toBe(400);
        expect(codes(res.body)).toEqual(['takenAt:isInstant']);
      }
    });

    it('machine loans: 2026-11-31', async () => {
      const res = await t.http
        .post('/api/machine-loans')
        .set(await t.auth('hengda.admin'))
        .send({
          machineId: ids.steelMachine2,
          borrowerEnterpriseId: ids.machinery,
          startsAt: '2026-11-31T00:00:00+08:00',
          endsAt: '2026-12-05T00:00:00+08:00',
        });
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['startsAt:isInstant']);
    });

    it('a back-dated permit start is refused on create and on PATCH; a start a few minutes old (from the form) is allowed', async () => {
      const auth = await t.auth('hengda.admin');
      const before = await count('permits');
      const past = await t.http
        .post('/api/permits')
        .set(auth)
        .send(permitBody(ids, { plannedStart: cst(4, '09:00') }));
      expect(past.status).toBe(422);
      expect(past.body.error.code).toBe('PERMIT_WINDOW_PAST');
      expect(codes(past.body)).toEqual(['plannedStart:inPast']);
      expect(await count('permits')).toBe(before);
      expect(
        codes(
          (
            await t.http
              .patch(`/api/permits/${draftId}`)
              .set(auth)
              .send({ plannedStart: cst(5, '07:00') })
          ).body,
        ),
      ).toEqual(['plannedStart:inPast']);
      const skew = await t.http
        .patch(`/api/permits/${draftId}`)
        .set(auth)
        .send({ plannedStart: '2026-01-05T07:50:00+08:00' });
      expect(skew.status).toBe(200);
      expect(
        codes(
          (await t.http.patch(`/api/permits/${draftId}`).set(auth).send({ plannedStart: '2026-01-05T07:44:00+08:00' }))
            .body,
        ),
      ).toEqual(['plannedStart:inPast']);
    });
  });

  describe('response headers', () => {
    it('no X-Powered-By, and nosniff on API answers, errors, photo downloads and the UI', async () => {
      const report = await t.http
        .post('/api/public/reports')
        .field('description', '厂房外有人夜间焊接钢架')
        .field('regionCode', '411426100')
        .attach('photos', JPEG, { filename: 'a.jpg', contentType: 'image/jpeg' });
      expect(report.status).toBe(201);
      const auth = await t.auth('xiayi.regulator');
      const list = await t.http.get('/api/reports?pageSize=200').set(auth);
      const id = (list.body.items as { id: string }[])[0].id;
      const detail = await t.http.get(`/api/reports/${id}`).set(auth);
      const photo = await t.http.get(`/api/reports/${id}/photos/${detail.body.photos[0].id}`).set(auth);
      expect(photo.status).toBe(200);
      const deep = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send(nested(100));
      // The web UI (or its "not built" page) too.
      const ui = await t.http.get('/console');
      for (const res of [
        photo,
        detail,
        deep,
        ui,
        await t.http.get('/api/health'),
        await t.http.get('/api/nowhere'),
        await t.http.get('/api/docs-json'),
      ]) {
        expect(res.headers['x-powered-by']).toBeUndefined();
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
    });
  });
});
