import { createTestApp, TestApp } from '../../test-support/test-app';
import { usccCheckChar } from '../common/validation/identifiers';
import { DEMO_ENTERPRISES } from '../seed/demo-data';

type FieldErr = { field: string; code: string };
const fieldCodes = (body: { error?: { fields?: FieldErr[] } }) =>
  (body.error?.fields ?? []).map((f) => `${f.field}:${f.code}`);
const uscc = (body17: string) => body17 + usccCheckChar(body17);
/** Same body, wrong last character: a USCC that fails its check. */
const badUscc = (body17: string) => body17 + (usccCheckChar(body17) === '0' ? '1' : '0');

describe('enterprises', () => {
  let t: TestApp;
  const id: Record<string, string> = {};
  const newEnterprise = (over: Record<string, unknown> = {}) => ({
    name: '夏邑县测试焊接加工厂',
    uscc: uscc('91411426MA44TX101'),
    industry: '金属制品业',
    regionCode: '411426101',
    address: '马头镇工业路1号',
    latitude: 34.25,
    longitude: 116.13,
    principalName: '周敏',
    principalPhone: '13912345678',
    controllerName: '周大海',
    controllerPhone: '13787654321',
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    for (const e of DEMO_ENTERPRISES) {
      const [row] = await t.ds.query('SELECT id FROM enterprises WHERE uscc = $1', [e.uscc]);
      id[e.key] = row.id;
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (user: string, query = '') => t.http.get(`/api/enterprises${query}`).set(await t.auth(user));
  const names = (body: { items: { id: string }[] }) =>
    body.items.map((e) => Object.entries(id).find(([, v]) => v === e.id)?.[0] ?? e.id).sort();

  describe('GET /api/enterprises', () => {
    it('scopes the list to each actor', async () => {
      expect(names((await list('xiayi.regulator')).body)).toEqual(['construction', 'machinery', 'steel']);
      expect(names((await list('admin')).body)).toEqual(['construction', 'machinery', 'steel']);
      expect(names((await list('huiting.regulator')).body)).toEqual(['steel']);
      expect(names((await list('hengda.admin')).body)).toEqual(['steel']);
      const welder = await list('welder.zhang');
      expect(welder.status).toBe(200);
      expect(welder.body).toMatchObject({ items: [], total: 0 });
    });

    it('returns paginated views with counts and masked phones only', async () => {
      const res = await list('huiting.regulator');
      expect(res.body).toMatchObject({ total: 1, page: 1, pageSize: 20 });
      const steel = res.body.items[0];
      expect(steel).toMatchObject({
        name: DEMO_ENTERPRISES[0].name,
        regionCode: '411426100',
        status: 'active',
        machineCount: 3,
        welderCount: 2,
        principalPhoneMasked: '138****1001',
        controllerPhoneMasked: null,
      });
      expect(steel.principalPhoneEnc).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toContain('13837001001');
    });

    it('filters by region subtree (within scope), status, industry and name', async () => {
      expect(names((await list('xiayi.regulator', '?regionCode=411426101')).body)).toEqual(['machinery']);
      expect(names((await list('xiayi.regulator', '?regionCode=411426')).body)).toEqual([
        'construction',
        'machinery',
        'steel',
      ]);
      // A regulator cannot widen its scope through the filter.
      expect(names((await list('huiting.regulator', '?regionCode=411426')).body)).toEqual(['steel']);
      expect(names((await list('huiting.regulator', '?regionCode=411426101')).body)).toEqual([]);
      expect(names((await list('xiayi.regulator', `?q=${encodeURIComponent('恒达')}`)).body)).toEqual(['steel']);
      expect(names((await list('xiayi.regulator', `?industry=${encodeURIComponent('建筑业')}`)).body)).toEqual([
        'construction',
      ]);
      expect(names((await list('xiayi.regulator', '?status=suspended')).body)).toEqual([]);
      expect(names((await list('xiayi.regulator', '?q=%25')).body)).toEqual([]);
      const page = await list('xiayi.regulator', '?pageSize=2&page=2');
      expect(page.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
      expect(page.body.items).toHaveLength(1);
    });

    it('rejects bad filters with field codes', async () => {
      const bad = await list('xiayi.regulator', '?status=deleted&pageSize=500&regionCode=abc&extra=1');
      expect(bad.status).toBe(400);
      expect(fieldCodes(bad.body)).toEqual(
        expect.arrayContaining(['status:isEnum', 'pageSize:max', 'regionCode:isRegionCode', 'extra:unknownField']),
      );
      const unknown = await list('xiayi.regulator', '?regionCode=411426199');
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.code).toBe('REGION_UNKNOWN');
    });
  });

  describe('GET /api/enterprises/:id', () => {
    it('answers within scope and 404 outside it', async () => {
      const ok = await t.http.get(`/api/enterprises/${id.steel}`).set(await t.auth('huiting.regulator'));
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ id: id.steel, principalPhoneMasked: '138****1001' });
      for (const [user, key] of [
        ['huiting.regulator', 'machinery'],
        ['hengda.admin', 'machinery'],
        ['welder.zhang', 'steel'],
      ] as const) {
        const res = await t.http.get(`/api/enterprises/${id[key]}`).set(await t.auth(user));
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
      expect((await t.http.get(`/api/enterprises/${id.machinery}`).set(await t.auth('xiayi.regulator'))).status).toBe(
        200,
      );
      expect((await t.http.get(`/api/enterprises/${id.steel}`).set(await t.auth('hengda.admin'))).status).toBe(200);
    });

    it('rejects a malformed id with 400 and an unknown one with 404', async () => {
      const bad = await t.http.get('/api/enterprises/not-a-uuid').set(await t.auth('admin'));
      expect(bad.status).toBe(400);
      expect(fieldCodes(bad.body)).toEqual(['id:isUuid']);
      expect(
        (await t.http.get('/api/enterprises/7d5f4d1e-8f4c-4a39-9a53-5e7f0a1b2c3d').set(await t.auth('admin'))).status,
      ).toBe(404);
    });
  });

  describe('POST /api/enterprises', () => {
    it('lets a platform admin register anywhere; phones stored encrypted and shown masked; audited masked', async () => {
      const res = await t.http
        .post('/api/enterprises')
        .set(await t.auth('admin'))
        .send(newEnterprise());
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        regionCode: '411426101',
        regionPath: '/411426/411426101/',
        status: 'active',
        principalPhoneMasked: '139****5678',
        controllerPhoneMasked: '137****4321',
        machineCount: 0,
        welderCount: 0,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/13912345678|13787654321/);
      const [row] = await t.ds.query(
        'SELECT principal_phone_enc, controller_phone_enc FROM enterprises WHERE id = $1',
        [res.body.id],
      );
      expect(row.principal_phone_enc).toMatch(/^v1:/);
      expect(row.principal_phone_enc).not.toContain('13912345678');
      const audit = await t.ds.query(
        `SELECT after FROM audit_log WHERE action = 'enterprise.create' AND entity_id = $1`,
        [res.body.id],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0].after).toMatchObject({
        principalPhoneMasked: '139****5678',
        controllerPhoneMasked: '137****4321',
        uscc: newEnterprise().uscc,
      });
      const leaks = await t.ds.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE coalesce(before::text, '') || coalesce(after::text, '') ~ '13912345678|13787654321'`,
      );
      expect(leaks[0].n).toBe(0);
    });

    it('lets a regulator register only inside its subtree', async () => {
      const inside = await t.http
        .post('/api/enterprises')
        .set(await t.auth('huiting.regulator'))
        .send(
          newEnterprise({
            uscc: uscc('91411426MA44TX102'),
            regionCode: '411426100201',
            latitude: undefined,
            longitude: undefined,
            controllerName: undefined,
            controllerPhone: undefined,
          }),
        );
      expect(inside.status).toBe(201);
      expect(inside.body).toMatchObject({
        regionPath: '/411426/411426100/411426100201/',
        latitude: null,
        controllerPhoneMasked: null,
      });
      const outside = await t.http
        .post('/api/enterprises')
        .set(await t.auth('huiting.regulator'))
        .send(newEnterprise({ uscc: uscc('91411426MA44TX103') }));
      expect(outside.status).toBe(403);
      expect(fieldCodes(outside.body)).toEqual(['regionCode:outsideScope']);
      expect(
        (
          await t.http
            .post('/api/enterprises')
            .set(await t.auth('hengda.admin'))
            .send(newEnterprise({ uscc: uscc('91411426MA44TX104') }))
        ).status,
      ).toBe(403);
      expect(
        (
          await t.http
            .post('/api/enterprises')
            .set(await t.auth('welder.zhang'))
            .send(newEnterprise({ uscc: uscc('91411426MA44TX104') }))
        ).status,
      ).toBe(403);
    });

    it('accepts a lower-case USCC and refuses a duplicate with a field error', async () => {
      const code = uscc('91411426MA44TX105');
      const first = await t.http
        .post('/api/enterprises')
        .set(await t.auth('admin'))
        .send(newEnterprise({ uscc: code.toLowerCase() }));
      expect(first.status).toBe(201);
      expect(first.body.uscc).toBe(code);
      const dup = await t.http
        .post('/api/enterprises')
        .set(await t.auth('admin'))
        .send(newEnterprise({ uscc: DEMO_ENTERPRISES[0].uscc }));
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('DUPLICATE');
      expect(fieldCodes(dup.body)).toEqual(['uscc:duplicate']);
    });

    it('refuses an unknown region with 422 REGION_UNKNOWN', async () => {
      const res = await t.http
        .post('/api/enterprises')
        .set(await t.auth('admin'))
        .send(newEnterprise({ uscc: uscc('91411426MA44TX106'), regionCode: '411426199' }));
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('REGION_UNKNOWN');
      expect(fieldCodes(res.body)).toEqual(['regionCode:unknownRegion']);
    });

    it('answers bad input with 400 and field codes', async () => {
      const admin = await t.auth('admin');
      const cases: [Record<string, unknown>, string[]][] = [
        [newEnterprise({ uscc: badUscc('91411426MA44TX107') }), ['uscc:isUscc']],
        [
          newEnterprise({ principalPhone: '12345', controllerPhone: '1391234567x' }),
          ['principalPhone:isMobile', 'controllerPhone:isMobile'],
        ],
        [
          newEnterprise({ name: 42, latitude: '34.2', longitude: 200 }),
          ['name:isString', 'latitude:isNumber', 'longitude:max'],
        ],
        [newEnterprise({ surprise: true }), ['surprise:unknownField']],
        [
          newEnterprise({ name: '   ', address: undefined, principalName: undefined }),
          ['name:isNotEmpty', 'address:isString', 'principalName:isString'],
        ],
        [
          {},
          [
            'name:isString',
            'uscc:isUscc',
            'industry:isString',
            'regionCode:isRegionCode',
            'address:isString',
            'principalName:isString',
            'principalPhone:isMobile',
          ],
        ],
        [newEnterprise({ longitude: undefined }), ['longitude:requiredWithLatitude']],
        [newEnterprise({ name: 'x'.repeat(201) }), ['name:maxLength']],
      ];
      for (const [body, expected] of cases) {
        const res = await t.http.post('/api/enterprises').set(admin).send(body);
        expect({ status: res.status, fields: fieldCodes(res.body) }).toEqual({
          status: 400,
          fields: expect.arrayContaining(expected),
        });
      }
      const malformed = await t.http
        .post('/api/enterprises')
        .set(admin)
        .set('Content-Type', 'application/json')
        .send('{"name":');
      expect(malformed.status).toBe(400);
    });
  });

  describe('PATCH /api/enterprises/:id', () => {
    it('lets the own admin edit the profile, audited with masked phones', async () => {
      const res = await t.http
        .patch(`/api/enterprises/${id.steel}`)
        .set(await t.auth('hengda.admin'))
        .send({
          address: '会亭镇工业园区纬一路10号',
          principalPhone: '13611112222',
          controllerName: '王大力',
          controllerPhone: '13633334444',
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        address: '会亭镇工业园区纬一路10号',
        principalPhoneMasked: '136****2222',
        controllerName: '王大力',
        controllerPhoneMasked: '136****4444',
      });
      const [audit] = await t.ds.query(
        `SELECT before, after FROM audit_log WHERE action = 'enterprise.update' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
        [id.steel],
      );
      expect(audit.before).toMatchObject({ principalPhoneMasked: '138****1001', address: '会亭镇工业园区纬一路8号' });
      expect(audit.after).toMatchObject({ principalPhoneMasked: '136****2222', controllerPhoneMasked: '136****4444' });
      const leaks = await t.ds.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE coalesce(before::text, '') || coalesce(after::text, '') ~ '13611112222|13633334444|13837001001'`,
      );
      expect(leaks[0].n).toBe(0);
      // Clearing the controller is allowed; clearing the principal is not.
      const cleared = await t.http
        .patch(`/api/enterprises/${id.steel}`)
        .set(await t.auth('hengda.admin'))
        .send({ controllerName: null, controllerPhone: null });
      expect(cleared.body).toMatchObject({ controllerName: null, controllerPhoneMasked: null });
    });

    it('answers 404 outside scope and 403 to roles that may not edit', async () => {
      const other = await t.http
        .patch(`/api/enterprises/${id.machinery}`)
        .set(await t.auth('hengda.admin'))
        .send({ address: 'x' });
      expect(other.status).toBe(404);
      expect(
        (
          await t.http
            .patch(`/api/enterprises/${id.steel}`)
            .set(await t.auth('huiting.regulator'))
            .send({ address: 'x' })
        ).status,
      ).toBe(403);
      expect(
        (
          await t.http
            .patch(`/api/enterprises/${id.steel}`)
            .set(await t.auth('welder.zhang'))
            .send({ address: 'x' })
        ).status,
      ).toBe(403);
      const [row] = await t.ds.query('SELECT address FROM enterprises WHERE id = $1', [id.machinery]);
      expect(row.address).toBe(DEMO_ENTERPRISES[1].address);
    });

    it('keeps region and USCC changes for the platform admin, and moves scope with the region', async () => {
      const own = await t.http
        .patch(`/api/enterprises/${id.steel}`)
        .set(await t.auth('hengda.admin'))
        .send({ regionCode: '411426101', uscc: uscc('91411426MA44TX108') });
      expect(own.status).toBe(403);
      expect(fieldCodes(own.body).sort()).toEqual(['regionCode:platformAdminOnly', 'uscc:platformAdminOnly']);
      const moved = await t.http
        .patch(`/api/enterprises/${id.construction}`)
        .set(await t.auth('admin'))
        .send({ regionCode: '411426100' });
      expect(moved.status).toBe(200);
      expect(moved.body.regionPath).toBe('/411426/411426100/');
      expect(names((await list('huiting.regulator')).body)).toContain('construction');
      expect(
        (
          await t.http
            .patch(`/api/enterprises/${id.construction}`)
            .set(await t.auth('admin'))
            .send({ regionCode: '411426001' })
        ).status,
      ).toBe(200);
      expect(names((await list('huiting.regulator')).body)).not.toContain('construction');
      const dup = await t.http
        .patch(`/api/enterprises/${id.construction}`)
        .set(await t.auth('admin'))
        .send({ uscc: DEMO_ENTERPRISES[0].uscc });
      expect(dup.status).toBe(409);
      const unknown = await t.http
        .patch(`/api/enterprises/${id.construction}`)
        .set(await t.auth('admin'))
        .send({ regionCode: '411426199' });
      expect(unknown.status).toBe(422);
    });

    it('answers bad input with 400 and field codes', async () => {
      const h = await t.auth('hengda.admin');
      const cases: [string, unknown, string[]][] = [
        [id.steel, { name: null, principalPhone: 'abc' }, ['name:isString', 'principalPhone:isMobile']],
        [id.steel, { status: 'closed' }, ['status:unknownField']],
        [id.steel, { latitude: 95 }, ['latitude:max']],
        [id.steel, { latitude: null }, ['latitude:requiredWithLongitude']],
        [id.steel, { uscc: badUscc('91411426MA44HD001') }, ['uscc:isUscc']],
        ['12345', { name: 'x' }, ['id:isUuid']],
      ];
      for (const [target, body, expected] of cases) {
        const res = await t.http
          .patch(`/api/enterprises/${target}`)
          .set(h)
          .send(body as object);
        expect({ status: res.status, fields: fieldCodes(res.body) }).toEqual({
          status: 400,
          fields: expect.arrayContaining(expected),
        });
      }
    });
  });

  describe('POST /api/enterprises/:id/status', () => {
    it('lets a regulator of the subtree suspend and reactivate, audited', async () => {
      const huiting = await t.auth('huiting.regulator');
      const s = await t.http
        .post(`/api/enterprises/${id.steel}/status`)
        .set(huiting)
        .send({ status: 'suspended', reason: '动火作业未审批, 停产整顿' });
      expect(s.status).toBe(200);
      expect(s.body).toMatchObject({ status: 'suspended', statusReason: '动火作业未审批, 停产整顿' });
      expect(names((await list('xiayi.regulator', '?status=suspended')).body)).toEqual(['steel']);
      const again = await t.http
        .post(`/api/enterprises/${id.steel}/status`)
        .set(huiting)
        .send({ status: 'suspended', reason: 'again' });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('INVALID_STATE');
      const a = await t.http.post(`/api/enterprises/${id.steel}/status`).set(huiting).send({ status: 'active' });
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ status: 'active', statusReason: null });
      const audit = await t.ds.query(
        `SELECT before->>'status' AS b, after->>'status' AS a FROM audit_log WHERE action = 'enterprise.status' AND entity_id = $1 ORDER BY id`,
        [id.steel],
      );
      expect(audit).toEqual([
        { b: 'active', a: 'suspended' },
        { b: 'suspended', a: 'active' },
      ]);
    });

    it('answers 404 outside scope and 403 to the enterprise itself', async () => {
      const out = await t.http
        .post(`/api/enterprises/${id.machinery}/status`)
        .set(await t.auth('huiting.regulator'))
        .send({ status: 'suspended', reason: 'x' });
      expect(out.status).toBe(404);
      expect(
        (
          await t.http
            .post(`/api/enterprises/${id.machinery}/status`)
            .set(await t.auth('hengda.admin'))
            .send({ status: 'suspended', reason: 'x' })
        ).status,
      ).toBe(403);
      expect(
        (
          await t.http
            .post(`/api/enterprises/${id.steel}/status`)
            .set(await t.auth('hengda.admin'))
            .send({ status: 'suspended', reason: 'x' })
        ).status,
      ).toBe(403);
      const [row] = await t.ds.query('SELECT status FROM enterprises WHERE id = $1', [id.machinery]);
      expect(row.status).toBe('active');
    });

    it('treats closing as final except for a platform admin', async () => {
      const created = await t.http
        .post('/api/enterprises')
        .set(await t.auth('admin'))
        .send(newEnterprise({ uscc: uscc('91411426MA44TX109'), regionCode: '411426100' }));
      const eid = created.body.id;
      const huiting = await t.auth('huiting.regulator');
      expect(
        (await t.http.post(`/api/enterprises/${eid}/status`).set(huiting).send({ status: 'closed', reason: '注销' }))
          .status,
      ).toBe(200);
      const reopen = await t.http.post(`/api/enterprises/${eid}/status`).set(huiting).send({ status: 'active' });
      expect(reopen.status).toBe(409);
      expect(reopen.body.error.code).toBe('INVALID_STATE');
      expect(
        (
          await t.http
            .post(`/api/enterprises/${eid}/status`)
            .set(await t.auth('admin'))
            .send({ status: 'active' })
        ).status,
      ).toBe(200);
    });

    it('answers bad input with 400 and field codes', async () => {
      const x = await t.auth('xiayi.regulator');
      const cases: [string, unknown, string[]][] = [
        [id.machinery, { status: 'suspended' }, ['reason:isString']],
        [id.machinery, { status: 'closed', reason: '  ' }, ['reason:isNotEmpty']],
        [id.machinery, { status: 'deleted', reason: 'x' }, ['status:isEnum']],
        [id.machinery, { status: 'suspended', reason: 'x', extra: 1 }, ['extra:unknownField']],
        [id.machinery, { status: 'suspended', reason: 7 }, ['reason:isString']],
        ['zzz', { status: 'active' }, ['id:isUuid']],
      ];
      for (const [target, body, expected] of cases) {
        const res = await t.http
          .post(`/api/enterprises/${target}/status`)
          .set(x)
          .send(body as object);
        expect({ status: res.status, fields: fieldCodes(res.body) }).toEqual({
          status: 400,
          fields: expect.arrayContaining(expected),
        });
      }
    });
  });
});
