import { createTestApp, TestApp } from '../../test-support/test-app';
import { SYSTEM_ACTOR } from '../access/actor';
import { DEMO_ENTERPRISES, DEMO_MACHINES } from '../seed/demo-data';
import { MachineKind } from './machine.entity';
import { MachinesService } from './machines.service';

type FieldErr = { field: string; code: string };
const fieldCodes = (body: { error?: { fields?: FieldErr[] } }) =>
  (body.error?.fields ?? []).map((f) => `${f.field}:${f.code}`);

describe('machines', () => {
  let t: TestApp;
  const ent: Record<string, string> = {};
  /** Seeded machines by serial number. */
  const mach: Record<string, string> = {};
  const STEEL_ARC = DEMO_MACHINES[0].serialNumber;
  const STEEL_CO2 = DEMO_MACHINES[1].serialNumber;
  const MACHINERY_SPOT = DEMO_MACHINES[3].serialNumber;
  let serialSeq = 0;
  const newMachine = (over: Record<string, unknown> = {}) => ({
    name: '3号车间手工焊机',
    kind: MachineKind.ElectricArc,
    manufacturer: '瑞凌',
    model: 'ZX7-400',
    serialNumber: `RL-T-${++serialSeq}`,
    ratedInputKva: 15.5,
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    for (const e of DEMO_ENTERPRISES)
      ent[e.key] = (await t.ds.query('SELECT id FROM enterprises WHERE uscc = $1', [e.uscc]))[0].id;
    for (const m of await t.ds.query('SELECT id, serial_number FROM machines')) mach[m.serial_number] = m.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (user: string, query = '') => t.http.get(`/api/machines${query}`).set(await t.auth(user));
  const serials = (body: { items: { serialNumber: string }[] }) => body.items.map((m) => m.serialNumber).sort();
  const steelSerials = DEMO_MACHINES.filter((m) => m.enterprise === 'steel')
    .map((m) => m.serialNumber)
    .sort();
  const allSerials = DEMO_MACHINES.map((m) => m.serialNumber).sort();
  const status = async (user: string, id: string, body: object) =>
    t.http
      .post(`/api/machines/${id}/status`)
      .set(await t.auth(user))
      .send(body);

  describe('GET /api/machines', () => {
    it('scopes the list through the owning enterprise', async () => {
      expect(serials((await list('xiayi.regulator')).body)).toEqual(allSerials);
      expect(serials((await list('admin')).body)).toEqual(allSerials);
      expect(serials((await list('huiting.regulator')).body)).toEqual(steelSerials);
      expect(serials((await list('hengda.admin')).body)).toEqual(steelSerials);
      const welder = await list('welder.zhang');
      expect(welder.status).toBe(200);
      expect(welder.body).toMatchObject({ items: [], total: 0 });
      // Asking for another enterprise's machines by id does not widen the scope.
      expect((await list('huiting.regulator', `?enterpriseId=${ent.machinery}`)).body.total).toBe(0);
      expect((await list('hengda.admin', `?enterpriseId=${ent.machinery}`)).body.total).toBe(0);
    });

    it('shows the owner name and the active code with its URL', async () => {
      const res = await list('huiting.regulator', `?q=${STEEL_ARC}`);
      expect(res.body.total).toBe(1);
      const m = res.body.items[0];
      expect(m).toMatchObject({
        id: mach[STEEL_ARC],
        enterpriseId: ent.steel,
        enterpriseName: DEMO_ENTERPRISES[0].name,
        status: 'active',
        ratedInputKva: 12.5,
        chipId: null,
      });
      const [code] = await t.ds.query(`SELECT code FROM identity_codes WHERE subject_id = $1 AND status = 'active'`, [
        m.id,
      ]);
      expect(m.code).toMatchObject({ code: code.code, url: `https://arcgate.test/q/${code.code}` });
    });

    it('filters by enterprise, kind, status, text and chip binding', async () => {
      const x = 'xiayi.regulator';
      expect(serials((await list(x, `?enterpriseId=${ent.steel}`)).body)).toEqual(steelSerials);
      expect(serials((await list(x, '?kind=gas')).body)).toEqual([DEMO_MACHINES[2].serialNumber]);
      expect(serials((await list(x, '?kind=resistance&status=active')).body)).toEqual([MACHINERY_SPOT]);
      expect(serials((await list(x, `?q=${encodeURIComponent('nbc-500')}`)).body)).toEqual([STEEL_CO2]);
      expect(serials((await list(x, `?q=${encodeURIComponent('点焊')}`)).body)).toEqual([MACHINERY_SPOT]);
      expect((await list(x, '?q=_')).body.total).toBe(0);
      expect((await list(x, '?hasChip=true')).body.total).toBe(0);
      await t.ds.query(`UPDATE machines SET chip_id = 'CHIP-LIST-1' WHERE id = $1`, [mach[MACHINERY_SPOT]]);
      expect(serials((await list(x, '?hasChip=true')).body)).toEqual([MACHINERY_SPOT]);
      expect((await list(x, '?hasChip=false')).body.total).toBe(allSerials.length - 1);
      expect((await list('huiting.regulator', '?hasChip=true')).body.total).toBe(0);
      await t.ds.query(`UPDATE machines SET chip_id = NULL WHERE id = $1`, [mach[MACHINERY_SPOT]]);
    });

    it('rejects bad filters with field codes', async () => {
      const res = await list('xiayi.regulator', '?hasChip=maybe&kind=plasma&status=x&enterpriseId=123&page=0&foo=1');
      expect(res.status).toBe(400);
      expect(fieldCodes(res.body)).toEqual(
        expect.arrayContaining([
          'hasChip:isBoolean',
          'kind:isEnum',
          'status:isEnum',
          'enterpriseId:isUuid',
          'page:min',
          'foo:unknownField',
        ]),
      );
    });
  });

  describe('GET /api/machines/:id', () => {
    it('answers within scope and 404 outside it', async () => {
      const ok = await t.http.get(`/api/machines/${mach[STEEL_ARC]}`).set(await t.auth('huiting.regulator'));
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        enterpriseName: DEMO_ENTERPRISES[0].name,
        code: { url: expect.stringMatching(/^https:\/\/arcgate\.test\/q\//) },
      });
      expect(
        (await t.http.get(`/api/machines/${mach[MACHINERY_SPOT]}`).set(await t.auth('xiayi.regulator'))).status,
      ).toBe(200);
      for (const [user, serial] of [
        ['huiting.regulator', MACHINERY_SPOT],
        ['hengda.admin', MACHINERY_SPOT],
        ['welder.zhang', STEEL_ARC],
      ] as const) {
        const res = await t.http.get(`/api/machines/${mach[serial]}`).set(await t.auth(user));
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
    });

    it('rejects a malformed id with 400', async () => {
      const res = await t.http.get('/api/machines/1').set(await t.auth('admin'));
      expect(res.status).toBe(400);
      expect(fieldCodes(res.body)).toEqual(['id:isUuid']);
    });
  });

  describe('POST /api/machines', () => {
    it('registers a machine for the own enterprise and issues its code in the same transaction', async () => {
      const res = await t.http
        .post('/api/machines')
        .set(await t.auth('hengda.admin'))
        .send(newMachine({ serialNumber: 'RL-OWN-1' }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        enterpriseId: ent.steel,
        status: 'registered',
        ratedInputKva: 15.5,
        ratedCurrentA: null,
        chipId: null,
        code: { url: expect.stringContaining('/q/') },
      });
      const codes = await t.ds.query(
        `SELECT code, status FROM identity_codes WHERE subject_type = 'machine' AND subject_id = $1`,
        [res.body.id],
      );
      expect(codes).toEqual([{ code: res.body.code.code, status: 'active' }]);
      const audit = await t.ds.query(
        `SELECT action FROM audit_log WHERE enterprise_id = $1 AND (entity_id = $2 OR after->>'subjectId' = $2) ORDER BY id`,
        [ent.steel, res.body.id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['code.issue', 'machine.create']);
    });

    it('lets a gas set go without a rated input, and a platform admin register for any enterprise', async () => {
      const gas = await t.http
        .post('/api/machines')
        .set(await t.auth('hengda.admin'))
        .send(newMachine({ kind: 'gas', ratedInputKva: null, enterpriseId: ent.steel }));
      expect(gas.status).toBe(201);
      expect(gas.body.ratedInputKva).toBeNull();
      const admin = await t.http
        .post('/api/machines')
        .set(await t.auth('admin'))
        .send(newMachine({ enterpriseId: ent.machinery, kind: 'resistance' }));
      expect(admin.status).toBe(201);
      expect(admin.body.enterpriseName).toBe(DEMO_ENTERPRISES[1].name);
    });

    it('refuses to register for another enterprise, and to regulators and welders', async () => {
      const before = (await t.ds.query('SELECT count(*)::int AS n FROM machines'))[0].n;
      const other = await t.http
        .post('/api/machines')
        .set(await t.auth('hengda.admin'))
        .send(newMachine({ enterpriseId: ent.machinery }));
      expect(other.status).toBe(404);
      expect(
        (
          await t.http
            .post('/api/machines')
            .set(await t.auth('huiting.regulator'))
            .send(newMachine({ enterpriseId: ent.steel }))
        ).status,
      ).toBe(403);
      expect(
        (
          await t.http
            .post('/api/machines')
            .set(await t.auth('welder.zhang'))
            .send(newMachine())
        ).status,
      ).toBe(403);
      const noEnterprise = await t.http
        .post('/api/machines')
        .set(await t.auth('admin'))
        .send(newMachine());
      expect(noEnterprise.status).toBe(400);
      expect(fieldCodes(noEnterprise.body)).toEqual(['enterpriseId:required']);
      expect((await t.ds.query('SELECT count(*)::int AS n FROM machines'))[0].n).toBe(before);
    });

    it('refuses a duplicate manufacturer + serial number with 409 and leaves no orphan code', async () => {
      const codesBefore = (await t.ds.query('SELECT count(*)::int AS n FROM identity_codes'))[0].n;
      const dup = await t.http
        .post('/api/machines')
        .set(await t.auth('hengda.admin'))
        .send(newMachine({ manufacturer: DEMO_MACHINES[0].manufacturer, serialNumber: ` ${STEEL_ARC} ` }));
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('DUPLICATE');
      expect(fieldCodes(dup.body)).toEqual(['serialNumber:duplicate']);
      // The same serial from another manufacturer is a different machine.
      expect(
        (
          await t.http
            .post('/api/machines')
            .set(await t.auth('hengda.admin'))
            .send(newMachine({ manufacturer: '其他厂', serialNumber: STEEL_ARC }))
        ).status,
      ).toBe(201);
      expect((await t.ds.query('SELECT count(*)::int AS n FROM identity_codes'))[0].n).toBe(codesBefore + 1);
    });

    it('refuses registration for an enterprise that is not active', async () => {
      await t.http
        .post(`/api/enterprises/${ent.construction}/status`)
        .set(await t.auth('admin'))
        .send({ status: 'suspended', reason: '停产整顿' });
      const res = await t.http
        .post('/api/machines')
        .set(await t.auth('admin'))
        .send(newMachine({ enterpriseId: ent.construction }));
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('ENTERPRISE_INACTIVE');
      await t.http
        .post(`/api/enterprises/${ent.construction}/status`)
        .set(await t.auth('admin'))
        .send({ status: 'active' });
    });

    it('answers bad input with 400 and field codes (including the rated-input rules)', async () => {
      const h = await t.auth('hengda.admin');
      const cases: [Record<string, unknown>, string[]][] = [
        [newMachine({ ratedInputKva: undefined }), ['ratedInputKva:requiredForElectric']],
        [newMachine({ kind: 'resistance', ratedInputKva: null }), ['ratedInputKva:requiredForElectric']],
        [newMachine({ kind: 'gas', ratedInputKva: 5 }), ['ratedInputKva:notApplicableToGas']],
        [newMachine({ ratedInputKva: -3 }), ['ratedInputKva:isPositive']],
        [newMachine({ ratedInputKva: 0 }), ['ratedInputKva:isPositive']],
        [newMachine({ ratedInputKva: '12' }), ['ratedInputKva:isNumber']],
        [newMachine({ ratedInputKva: 12.345 }), ['ratedInputKva:isNumber']],
        [newMachine({ ratedInputKva: 1e9 }), ['ratedInputKva:max']],
        [newMachine({ kind: 'gas', ratedInputKva: null, ratedCurrentA: 100 }), ['ratedCurrentA:notApplicableToGas']],
        [newMachine({ ratedCurrentA: 0 }), ['ratedCurrentA:min']],
        [newMachine({ ratedCurrentA: 2001 }), ['ratedCurrentA:max']],
        [newMachine({ ratedCurrentA: 315.5 }), ['ratedCurrentA:isInt']],
        [newMachine({ ratedCurrentA: '315' }), ['ratedCurrentA:isInt']],
        [newMachine({ kind: 'plasma' }), ['kind:isEnum']],
        [newMachine({ name: 42, serialNumber: '' }), ['name:isString', 'serialNumber:isNotEmpty']],
        [newMachine({ status: 'active' }), ['status:unknownField']],
        [newMachine({ chipId: 'X' }), ['chipId:unknownField']],
        [newMachine({ enterpriseId: 'steel' }), ['enterpriseId:isUuid']],
        [{}, ['name:isString', 'kind:isEnum', 'manufacturer:isString', 'model:isString', 'serialNumber:isString']],
      ];
      for (const [body, expected] of cases) {
        const res = await t.http.post('/api/machines').set(h).send(body);
        expect({ body, status: res.status, fields: fieldCodes(res.body) }).toEqual({
          body,
          status: 400,
          fields: expect.arrayContaining(expected),
        });
      }
    });

    it("gives a limit's value with its field code, so the console can say it in the user's language", async () => {
      const res = await t.http
        .post('/api/machines')
        .set(await t.auth('hengda.admin'))
        .send(newMachine({ ratedCurrentA: 2001 }));
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toEqual([
        { field: 'ratedCurrentA', code: 'max', message: expect.any(String), params: { constraint1: 2000 } },
      ]);
    });

    it("createInTransaction joins the caller's transaction: a rollback leaves neither machine nor code", async () => {
      const service = t.app.get(MachinesService);
      const serial = 'RL-ROLLBACK-1';
      await expect(
        t.ds.transaction(async (em) => {
          const v = await service.createInTransaction(
            em,
            SYSTEM_ACTOR,
            newMachine({ enterpriseId: ent.steel, serialNumber: serial }),
          );
          expect(v.code?.code).toBeTruthy();
          throw new Error('abort import');
        }),
      ).rejects.toThrow('abort import');
      expect(
        (await t.ds.query('SELECT count(*)::int AS n FROM machines WHERE serial_number = $1', [serial]))[0].n,
      ).toBe(0);
      const page = await service.list(SYSTEM_ACTOR, { page: 1, pageSize: 5, q: serial });
      expect(page.total).toBe(0);
    });
  });

  describe('PATCH /api/machines/:id', () => {
    it('lets the owner edit descriptive fields, audited', async () => {
      const res = await t.http
        .patch(`/api/machines/${mach[STEEL_CO2]}`)
        .set(await t.auth('hengda.admin'))
        .send({ name: '2号车间二保焊机(大修后)', model: 'NBC-500F' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: '2号车间二保焊机(大修后)', model: 'NBC-500F', status: 'active' });
      const [a] = await t.ds.query(
        `SELECT before->>'model' AS b, after->>'model' AS a FROM audit_log WHERE action = 'machine.update' AND entity_id = $1`,
        [mach[STEEL_CO2]],
      );
      expect(a).toEqual({ b: 'NBC-500', a: 'NBC-500F' });
    });

    it('sets and clears the rated current, audited; a gas set cannot have one', async () => {
      const h = await t.auth('hengda.admin');
      const created = (
        await t.http
          .post('/api/machines')
          .set(h)
          .send(newMachine({ ratedCurrentA: 400 }))
      ).body;
      expect(created).toMatchObject({ ratedCurrentA: 400 });
      const lowered = await t.http.patch(`/api/machines/${created.id}`).set(h).send({ ratedCurrentA: 315 });
      expect(lowered.status).toBe(200);
      expect(lowered.body).toMatchObject({ ratedCurrentA: 315, ratedInputKva: 15.5 });
      const audit = await t.ds.query(
        `SELECT before->>'ratedCurrentA' AS b, after->>'ratedCurrentA' AS a FROM audit_log WHERE entity_id = $1 AND action = 'machine.update'`,
        [created.id],
      );
      expect(audit).toEqual([{ b: '400', a: '315' }]);
      const toGas = await t.http.patch(`/api/machines/${created.id}`).set(h).send({ kind: 'gas', ratedInputKva: null });
      expect(fieldCodes(toGas.body)).toEqual(['ratedCurrentA:notApplicableToGas']);
      const cleared = await t.http
        .patch(`/api/machines/${created.id}`)
        .set(h)
        .send({ kind: 'gas', ratedInputKva: null, ratedCurrentA: null });
      expect(cleared.body).toMatchObject({ kind: 'gas', ratedCurrentA: null });
      expect(
        (await t.ds.query(`SELECT rated_current_a FROM machines WHERE id = $1`, [created.id]))[0].rated_current_a,
      ).toBeNull();
      // The database keeps the rule too, whatever writes the row.
      await expect(t.ds.query(`UPDATE machines SET rated_current_a = 100 WHERE id = $1`, [created.id])).rejects.toThrow(
        /machines_rated_current_a_check/,
      );
    });

    it('applies the rated-input rule to the merged result', async () => {
      const h = await t.auth('hengda.admin');
      const created = (await t.http.post('/api/machines').set(h).send(newMachine())).body;
      const toGas = await t.http.patch(`/api/machines/${created.id}`).set(h).send({ kind: 'gas' });
      expect(toGas.status).toBe(400);
      expect(fieldCodes(toGas.body)).toEqual(['ratedInputKva:notApplicableToGas']);
      const ok = await t.http.patch(`/api/machines/${created.id}`).set(h).send({ kind: 'gas', ratedInputKva: null });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ kind: 'gas', ratedInputKva: null });
      const back = await t.http.patch(`/api/machines/${created.id}`).set(h).send({ kind: 'electric_arc' });
      expect(fieldCodes(back.body)).toEqual(['ratedInputKva:requiredForElectric']);
    });

    it('answers 404 outside scope and 403 to regulators', async () => {
      expect(
        (
          await t.http
            .patch(`/api/machines/${mach[MACHINERY_SPOT]}`)
            .set(await t.auth('hengda.admin'))
            .send({ name: 'x' })
        ).status,
      ).toBe(404);
      expect(
        (
          await t.http
            .patch(`/api/machines/${mach[STEEL_ARC]}`)
            .set(await t.auth('huiting.regulator'))
            .send({ name: 'x' })
        ).status,
      ).toBe(403);
      expect(
        (
          await t.http
            .patch(`/api/machines/${mach[STEEL_ARC]}`)
            .set(await t.auth('welder.zhang'))
            .send({ name: 'x' })
        ).status,
      ).toBe(403);
      const [row] = await t.ds.query('SELECT name FROM machines WHERE id = $1', [mach[MACHINERY_SPOT]]);
      expect(row.name).toBe(DEMO_MACHINES[3].name);
    });

    it('answers bad input with 400/409 and field codes', async () => {
      const h = await t.auth('hengda.admin');
      const cases: [string, unknown, string[]][] = [
        [mach[STEEL_ARC], { name: null, ratedInputKva: 'big' }, ['name:isString', 'ratedInputKva:isNumber']],
        [mach[STEEL_ARC], { status: 'retired' }, ['status:unknownField']],
        [mach[STEEL_ARC], { enterpriseId: ent.machinery }, ['enterpriseId:unknownField']],
        [mach[STEEL_ARC], { kind: 'tig' }, ['kind:isEnum']],
        [mach[STEEL_ARC], { ratedInputKva: -1 }, ['ratedInputKva:isPositive']],
        ['nope', { name: 'x' }, ['id:isUuid']],
      ];
      for (const [id, body, expected] of cases) {
        const res = await t.http
          .patch(`/api/machines/${id}`)
          .set(h)
          .send(body as object);
        expect({ status: res.status, fields: fieldCodes(res.body) }).toEqual({
          status: 400,
          fields: expect.arrayContaining(expected),
        });
      }
      const dup = await t.http
        .patch(`/api/machines/${mach[STEEL_ARC]}`)
        .set(h)
        .send({ manufacturer: DEMO_MACHINES[1].manufacturer, serialNumber: STEEL_CO2 });
      expect(dup.status).toBe(409);
      expect(fieldCodes(dup.body)).toEqual(['serialNumber:duplicate']);
    });
  });

  describe('POST /api/machines/:id/status', () => {
    it('lets the owner activate a registered machine; not while the enterprise is suspended', async () => {
      const h = await t.auth('hengda.admin');
      const m = (await t.http.post('/api/machines').set(h).send(newMachine())).body;
      await t.http
        .post(`/api/enterprises/${ent.steel}/status`)
        .set(await t.auth('huiting.regulator'))
        .send({ status: 'suspended', reason: '整改' });
      const blocked = await status('hengda.admin', m.id, { status: 'active' });
      expect(blocked.status).toBe(409);
      expect(blocked.body.error.code).toBe('ENTERPRISE_INACTIVE');
      await t.http
        .post(`/api/enterprises/${ent.steel}/status`)
        .set(await t.auth('huiting.regulator'))
        .send({ status: 'active' });
      const ok = await status('hengda.admin', m.id, { status: 'active' });
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('active');
    });

    it('keeps a regulator suspension in force until a regulator lifts it', async () => {
      const s = await status('huiting.regulator', mach[STEEL_ARC], {
        status: 'suspended',
        reason: '现场检查发现接地不良',
      });
      expect(s.status).toBe(200);
      expect(s.body).toMatchObject({
        status: 'suspended',
        suspendedByRegulator: true,
        statusReason: '现场检查发现接地不良',
      });
      const owner = await status('hengda.admin', mach[STEEL_ARC], { status: 'active' });
      expect(owner.status).toBe(403);
      const lifted = await status('huiting.regulator', mach[STEEL_ARC], { status: 'active' });
      expect(lifted.status).toBe(200);
      expect(lifted.body).toMatchObject({ status: 'active', suspendedByRegulator: false });
      // The owner's own suspension it may lift itself.
      expect(
        (await status('hengda.admin', mach[STEEL_ARC], { status: 'suspended', reason: '检修' })).body
          .suspendedByRegulator,
      ).toBe(false);
      expect((await status('hengda.admin', mach[STEEL_ARC], { status: 'active' })).status).toBe(200);
      const audit = await t.ds.query(
        `SELECT actor_role, after->>'status' AS s FROM audit_log WHERE action = 'machine.status' AND entity_id = $1 ORDER BY id`,
        [mach[STEEL_ARC]],
      );
      expect(audit).toEqual([
        { actor_role: 'regulator', s: 'suspended' },
        { actor_role: 'regulator', s: 'active' },
        { actor_role: 'enterprise_admin', s: 'suspended' },
        { actor_role: 'enterprise_admin', s: 'active' },
      ]);
    });

    it('answers 404 outside scope, 403 to a regulator retiring, and 409 for a no-op', async () => {
      expect(
        (await status('huiting.regulator', mach[MACHINERY_SPOT], { status: 'suspended', reason: 'x' })).status,
      ).toBe(404);
      expect((await status('hengda.admin', mach[MACHINERY_SPOT], { status: 'retired', reason: 'x' })).status).toBe(404);
      expect((await status('welder.zhang', mach[STEEL_ARC], { status: 'suspended', reason: 'x' })).status).toBe(403);
      const retire = await status('xiayi.regulator', mach[MACHINERY_SPOT], { status: 'retired', reason: 'x' });
      expect(retire.status).toBe(403);
      const noop = await status('hengda.admin', mach[STEEL_ARC], { status: 'active' });
      expect(noop.status).toBe(409);
      expect(noop.body.error.code).toBe('INVALID_STATE');
      const [row] = await t.ds.query('SELECT status FROM machines WHERE id = $1', [mach[MACHINERY_SPOT]]);
      expect(row.status).toBe('active');
    });

    it('retires for good: code revoked, chip unbound, every later change refused', async () => {
      const id = mach[STEEL_CO2];
      await t.ds.query(`UPDATE machines SET chip_id = 'CHIP-RETIRE-1' WHERE id = $1`, [id]);
      const [oldCode] = await t.ds.query(
        `SELECT id, code FROM identity_codes WHERE subject_id = $1 AND status = 'active'`,
        [id],
      );
      const countBefore = (await t.http.get(`/api/enterprises/${ent.steel}`).set(await t.auth('hengda.admin'))).body
        .machineCount;

      const res = await status('hengda.admin', id, { status: 'retired', reason: '不符合安全要求, 淘汰' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'retired',
        chipId: null,
        code: null,
        statusReason: '不符合安全要求, 淘汰',
      });
      expect(res.body.retiredAt).toBeTruthy();
      const [row] = await t.ds.query('SELECT status, chip_id, retired_at FROM machines WHERE id = $1', [id]);
      expect(row).toMatchObject({ status: 'retired', chip_id: null });
      expect(row.retired_at).not.toBeNull();
      const codes = await t.ds.query(`SELECT status, revoked_reason FROM identity_codes WHERE subject_id = $1`, [id]);
      expect(codes).toEqual([{ status: 'revoked', revoked_reason: 'machine retired: 不符合安全要求, 淘汰' }]);
      const revokeAudit = await t.ds.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'code.revoke' AND entity_id = $1`,
        [oldCode.id],
      );
      expect(revokeAudit[0].n).toBe(1);
      const [statusAudit] = await t.ds.query(
        `SELECT before, after FROM audit_log WHERE action = 'machine.status' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
        [id],
      );
      expect(statusAudit.before).toMatchObject({ status: 'active', chipId: 'CHIP-RETIRE-1', code: oldCode.code });
      expect(statusAudit.after).toMatchObject({ status: 'retired', chipId: null, code: null });
      expect(
        (await t.http.get(`/api/enterprises/${ent.steel}`).set(await t.auth('hengda.admin'))).body.machineCount,
      ).toBe(countBefore - 1);

      for (const [user, body] of [
        ['hengda.admin', { status: 'active' }],
        ['admin', { status: 'suspended', reason: 'x' }],
        ['huiting.regulator', { status: 'active' }],
        ['admin', { status: 'retired', reason: 'again' }],
      ] as const) {
        const later = await status(user, id, body);
        expect(later.status).toBe(409);
        expect(later.body.error.code).toBe('MACHINE_RETIRED');
      }
      const patch = await t.http
        .patch(`/api/machines/${id}`)
        .set(await t.auth('hengda.admin'))
        .send({ name: 'revived' });
      expect(patch.status).toBe(409);
      expect(patch.body.error.code).toBe('MACHINE_RETIRED');
      expect((await t.http.get(`/api/machines/${id}`).set(await t.auth('huiting.regulator'))).body).toMatchObject({
        status: 'retired',
        code: null,
      });
    });

    it('answers bad input with 400 and field codes', async () => {
      const h = await t.auth('hengda.admin');
      const id = mach[STEEL_ARC];
      const cases: [string, unknown, string[]][] = [
        [id, { status: 'retired' }, ['reason:isString']],
        [id, { status: 'suspended', reason: '   ' }, ['reason:isNotEmpty']],
        [id, { status: 'registered' }, ['status:isIn']],
        [id, { status: 'active', chipId: null }, ['chipId:unknownField']],
        [id, { status: 'suspended', reason: 'x'.repeat(501) }, ['reason:maxLength']],
        [id, {}, ['status:isIn']],
        ['x-y-z', { status: 'active' }, ['id:isUuid']],
      ];
      for (const [target, body, expected] of cases) {
        const res = await t.http
          .post(`/api/machines/${target}/status`)
          .set(h)
          .send(body as object);
        expect({ status: res.status, fields: fieldCodes(res.body) }).toEqual({
          status: 400,
          fields: expect.arrayContaining(expected),
        });
      }
      expect(
        (
          await t.http
            .post('/api/machines/7d5f4d1e-8f4c-4a39-9a53-5e7f0a1b2c3d/status')
            .set(h)
            .send({ status: 'active' })
        ).status,
      ).toBe(404);
    });
  });
});
