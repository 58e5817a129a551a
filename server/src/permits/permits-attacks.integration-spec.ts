import type { Response } from 'supertest';
import { BlackoutsService } from '../blackouts/blackouts.service';
import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { ApproverPosition, containsInOrder } from './approval-chain';
import { createSigner, cst, DemoIds, demoIds, permitBody, registerFireWatcher } from './testing/permit-fixtures';
import { writeSecurityArtifact } from '../../test-support/security-artifact';

/**
 * Issue 12, "an enterprise can unlock what the rules forbid", permits part: every attack is tried
 * through the API as an enterprise user would, and each must be refused (or, for stored data written
 * before the fix, neutralised). Counts per class go to test-artifacts/security/permits-attacks.json.
 */
const SUITE = 'permits-attacks';
const MINIMUM = {
  special: ['unit_head', 'safety_department', 'principal'],
  level1: ['unit_head', 'safety_department'],
  level2: ['unit_head'],
};
type Res = Response;

describe('permits: attacks by an enterprise on the approval rules', () => {
  let t: TestApp;
  let ids: DemoIds;
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  const tally = new Map<string, { tried: number; refused: number; notes: string }>();

  /** One attack of a class: counted as refused only when the answer is the expected refusal. */
  const attack = (cls: string, notes: string, res: Res, status: number, code?: string, field?: string): Res => {
    const row = tally.get(cls) ?? { tried: 0, refused: 0, notes };
    row.tried++;
    const fields = ((res.body.error?.fields ?? []) as { field: string; code: string }[]).map(
      (f) => `${f.field}:${f.code}`,
    );
    const refused =
      res.status === status && (!code || res.body.error?.code === code) && (!field || fields.includes(field));
    if (refused) row.refused++;
    tally.set(cls, row);
    expect({
      status: res.status,
      code: code ? res.body.error?.code : undefined,
      fields: field ? fields : undefined,
    }).toEqual({ status, code, fields: field ? expect.arrayContaining([field]) : undefined });
    return res;
  };
  /** An attack that works on stored data: "refused" means the weak data had no effect (checked by the caller's expectation). */
  const neutralised = (cls: string, notes: string, held: boolean) => {
    const row = tally.get(cls) ?? { tried: 0, refused: 0, notes };
    row.tried++;
    if (held) row.refused++;
    tally.set(cls, row);
    expect(held).toBe(true);
  };

  const post = async (user: string, url: string, body: object = {}): Promise<Res> =>
    t.http
      .post(url)
      .set(await t.auth(user))
      .send(body);
  const put = async (user: string, url: string, body: unknown): Promise<Res> =>
    t.http
      .put(url)
      .set(await t.auth(user))
      .send(body as object);
  const patch = async (user: string, url: string, body: object): Promise<Res> =>
    t.http
      .patch(url)
      .set(await t.auth(user))
      .send(body);
  const settings = (over: Record<string, unknown> = {}) => ({
    holidays: [],
    nightHours: null,
    upgradeOnHolidays: true,
    upgradeAtNight: true,
    approvalChains: MINIMUM,
    ...over,
  });
  const draft = async (over: Record<string, unknown> = {}, user = 'hengda.admin') => {
    const res = await post(user, '/api/permits', permitBody(ids, over));
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const submitted = async (over: Record<string, unknown> = {}, user = 'hengda.admin') => {
    const id = await draft(over, user);
    const res = await post(user, `/api/permits/${id}/submit`);
    expect(res.status).toBe(200);
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    ids.watcher = await registerFireWatcher(t.http, await t.auth('hengda.admin'));
    // Enough signers for 特级 with the applicant excluded: unit head, safety department, principal are three other people.
    await createSigner(t, 'hengda.workshop', ['unit_head']);
  });
  afterAll(async () => {
    writeSecurityArtifact(
      SUITE,
      'Permits: approval chains, signers, fire watcher, special periods',
      [...tally.entries()].map(([cls, r]) => ({ class: cls, tried: r.tried, refused: r.refused, notes: r.notes })),
    );
    await t.close();
  });
  beforeEach(async () => {
    clock.set(cst(5, '08:00'));
    await t.ds.query(`DELETE FROM enterprise_permit_settings`);
    await t.ds.query(`DELETE FROM regional_approval_minimums`);
    await t.ds.query(
      `UPDATE blackouts SET cancelled_at = now(), cancelled_by = NULL, cancel_reason = 'test reset' WHERE cancelled_at IS NULL`,
    );
  });

  describe('settings shape', () => {
    const CLS = 'malformed permit settings';
    const NOTE =
      'approvalChains/nightHours of the wrong shape are 400 with a field code; a stored {} falls back to the minimum';

    it('refuses approvalChains [] (stored as {} before) and other shapes, storing nothing', async () => {
      const url = `/api/enterprises/${ids.steel}/permit-settings`;
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', url, settings({ approvalChains: [] })),
        400,
        'VALIDATION_FAILED',
        'approvalChains:isObject',
      );
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', url, settings({ approvalChains: [MINIMUM] })),
        400,
        'VALIDATION_FAILED',
        'approvalChains:isObject',
      );
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', url, settings({ approvalChains: 'unit_head' })),
        400,
        'VALIDATION_FAILED',
        'approvalChains:isObject',
      );
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', url, settings({ approvalChains: { ...MINIMUM, level2: [] } })),
        400,
        'VALIDATION_FAILED',
        'approvalChains.level2:arrayMinSize',
      );
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', url, settings({ approvalChains: { ...MINIMUM, level2: ['boss'] } })),
        400,
        'VALIDATION_FAILED',
        'approvalChains.level2:isEnum',
      );
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', url, settings({ nightHours: [] })),
        400,
        'VALIDATION_FAILED',
        'nightHours:isObject',
      );
      attack(CLS, NOTE, await put('hengda.admin', url, []), 400, 'VALIDATION_FAILED');
      expect((await t.ds.query(`SELECT count(*)::int AS n FROM enterprise_permit_settings`))[0].n).toBe(0);
    });

    it('a row stored as {} by the old code neither blocks nor weakens later permits', async () => {
      await t.ds.query(
        `INSERT INTO enterprise_permit_settings (enterprise_id, holidays, upgrade_on_holidays, upgrade_at_night, approval_chains) VALUES ($1, '[]', true, true, '{}')`,
        [ids.steel],
      );
      const view = await t.http.get(`/api/enterprises/${ids.steel}/permit-settings`).set(await t.auth('hengda.admin'));
      expect(view.body.approvalChains).toEqual(MINIMUM);
      const sub = await submitted({ level: 'level1' });
      neutralised(
        CLS,
        NOTE,
        JSON.stringify(sub.body.approval) ===
          JSON.stringify({ chain: MINIMUM.level1, round: 1, currentStep: 0, nextPosition: 'unit_head' }),
      );
      await post('hengda.foreman', `/api/permits/${sub.body.id}/approve`);
      const done = await post('hengda.safety', `/api/permits/${sub.body.id}/approve`);
      expect(done.body.status).toBe('approved');
    });
  });

  describe('minimum approval chains', () => {
    const CLS = 'approval chain below the minimum';
    const NOTE =
      'dropping or reordering a GB 30871 / regulator step is 422 on save; weak stored or frozen chains are brought up to the minimum';

    it('an enterprise cannot drop or reorder required steps, only add', async () => {
      const url = `/api/enterprises/${ids.steel}/permit-settings`;
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', url, settings({ approvalChains: { ...MINIMUM, special: ['unit_head'] } })),
        422,
        'APPROVAL_CHAIN_BELOW_MINIMUM',
        'approvalChains.special:belowMinimum',
      );
      attack(
        CLS,
        NOTE,
        await put(
          'hengda.admin',
          url,
          settings({ approvalChains: { ...MINIMUM, special: ['principal', 'safety_department', 'unit_head'] } }),
        ),
        422,
        'APPROVAL_CHAIN_BELOW_MINIMUM',
        'approvalChains.special:belowMinimum',
      );
      attack(
        CLS,
        NOTE,
        await put(
          'hengda.admin',
          url,
          settings({ approvalChains: { ...MINIMUM, special: ['unit_head', 'safety_department'] } }),
        ),
        422,
        'APPROVAL_CHAIN_BELOW_MINIMUM',
        'approvalChains.special:belowMinimum',
      );
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', url, settings({ approvalChains: { ...MINIMUM, level1: ['safety_department'] } })),
        422,
        'APPROVAL_CHAIN_BELOW_MINIMUM',
        'approvalChains.level1:belowMinimum',
      );
      attack(
        CLS,
        NOTE,
        await put(
          'hengda.admin',
          url,
          settings({ approvalChains: { ...MINIMUM, level1: ['safety_department', 'unit_head'] } }),
        ),
        422,
        'APPROVAL_CHAIN_BELOW_MINIMUM',
        'approvalChains.level1:belowMinimum',
      );
      attack(
        CLS,
        NOTE,
        await put('admin', url, settings({ approvalChains: { ...MINIMUM, level2: ['safety_department'] } })),
        422,
        'APPROVAL_CHAIN_BELOW_MINIMUM',
        'approvalChains.level2:belowMinimum',
      );
      expect((await t.ds.query(`SELECT count(*)::int AS n FROM enterprise_permit_settings`))[0].n).toBe(0);
      // Adding steps is allowed.
      const more = await put(
        'hengda.admin',
        url,
        settings({ approvalChains: { ...MINIMUM, level2: ['unit_head', 'safety_department'] } }),
      );
      expect(more.status).toBe(200);
      expect(more.body).toMatchObject({
        approvalChains: { level2: ['unit_head', 'safety_department'] },
        minimumChains: MINIMUM,
      });
    });

    it('a weak chain stored before this change is brought up to the minimum when a permit is submitted', async () => {
      await t.ds.query(
        `INSERT INTO enterprise_permit_settings (enterprise_id, holidays, upgrade_on_holidays, upgrade_at_night, approval_chains) VALUES ($1, '[]', true, true, $2)`,
        [
          ids.steel,
          JSON.stringify({
            special: ['unit_head'],
            level1: ['safety_department', 'safety_department'],
            level2: ['unit_head'],
          }),
        ],
      );
      const special = await submitted({ level: 'special', plannedEnd: cst(5, '17:00') }, 'hengda.safety');
      neutralised(CLS, NOTE, JSON.stringify(special.body.approval.chain) === JSON.stringify(MINIMUM.special));
      const level1 = await submitted({ level: 'level1' });
      // The stored [safety_department, safety_department] keeps its steps and gains the unit head's.
      const chain = level1.body.approval.chain as ApproverPosition[];
      neutralised(
        CLS,
        NOTE,
        chain.length === 3 &&
          containsInOrder(chain, MINIMUM.level1 as ApproverPosition[]) &&
          containsInOrder(chain, [ApproverPosition.SafetyDepartment, ApproverPosition.SafetyDepartment]),
      );
    });

    it('a permit frozen with a weak chain (before this change) still needs every required step and the principal', async () => {
      const special = await submitted({ level: 'special', plannedEnd: cst(5, '17:00') }, 'hengda.safety');
      const id = special.body.id as string;
      // As the old code could freeze it: 特级 signed by the workshop head alone.
      await t.ds.query(`UPDATE permits SET approval_chain = '["unit_head"]' WHERE id = $1`, [id]);
      const first = await post('hengda.foreman', `/api/permits/${id}/approve`);
      expect(first.status).toBe(200);
      neutralised(
        CLS,
        NOTE,
        first.body.status === 'submitted' &&
          JSON.stringify(first.body.approval) ===
            JSON.stringify({ chain: MINIMUM.special, round: 1, currentStep: 1, nextPosition: 'safety_department' }),
      );
    });

    it('a regulator raises the minimum for its subtree; nobody below can lower it', async () => {
      const county = await put('xiayi.regulator', '/api/regions/411426/approval-minimums', {
        chains: { ...MINIMUM, level2: ['unit_head', 'safety_department'] },
      });
      expect(county.status).toBe(200);
      expect(county.body).toMatchObject({
        regionCode: '411426',
        effective: { level2: ['unit_head', 'safety_department'] },
        inherited: MINIMUM,
      });
      const RCLS = 'regional minimum lowered or set out of scope';
      const RNOTE =
        'a township cannot go below the county nor the platform; enterprises and sibling regions cannot set it';
      attack(
        RCLS,
        RNOTE,
        await put('huiting.regulator', '/api/regions/411426100/approval-minimums', { chains: MINIMUM }),
        422,
        'APPROVAL_CHAIN_BELOW_MINIMUM',
        'chains.level2:belowMinimum',
      );
      attack(
        RCLS,
        RNOTE,
        await put('huiting.regulator', '/api/regions/411426100/approval-minimums', {
          chains: { ...MINIMUM, special: ['principal'], level2: ['unit_head', 'safety_department'] },
        }),
        422,
        'APPROVAL_CHAIN_BELOW_MINIMUM',
        'chains.special:belowMinimum',
      );
      attack(
        RCLS,
        RNOTE,
        await put('huiting.regulator', '/api/regions/411426/approval-minimums', { chains: MINIMUM }),
        403,
        'FORBIDDEN',
      );
      attack(
        RCLS,
        RNOTE,
        await put('huiting.regulator', '/api/regions/411426101/approval-minimums', { chains: MINIMUM }),
        404,
        'NOT_FOUND',
      );
      attack(
        RCLS,
        RNOTE,
        await put('hengda.admin', '/api/regions/411426100/approval-minimums', { chains: MINIMUM }),
        403,
        'FORBIDDEN',
      );
      attack(
        RCLS,
        RNOTE,
        await put('xiayi.regulator', '/api/regions/411426/approval-minimums', { chains: [] }),
        400,
        'VALIDATION_FAILED',
        'chains:isObject',
      );
      // The enterprise in 会亭镇 can no longer keep 二级 at the unit head alone …
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', `/api/enterprises/${ids.steel}/permit-settings`, settings()),
        422,
        'APPROVAL_CHAIN_BELOW_MINIMUM',
        'approvalChains.level2:belowMinimum',
      );
      // … and its permits (saved settings or not) follow the raised minimum.
      const sub = await submitted();
      neutralised(
        CLS,
        NOTE,
        JSON.stringify(sub.body.approval.chain) === JSON.stringify(['unit_head', 'safety_department']),
      );
      const audit = await t.ds.query(`SELECT action FROM audit_log WHERE entity_type = 'regional_approval_minimum'`);
      expect(audit).toEqual([{ action: 'approval_minimum.update' }]);
    });
  });

  describe('signers', () => {
    const CLS = 'one person signing twice, or a party approving';
    const NOTE = 'each step a different signer; the applicant, requester, welder and watcher never sign';

    it('one person holding every position signs one step only; 特级 needs three other people ending with the principal', async () => {
      await t.http
        .put(`/api/enterprises/${ids.steel}/permit-positions/${ids.users['hengda.foreman']}`)
        .set(await t.auth('hengda.admin'))
        .send({ positions: ['unit_head', 'safety_department'] });
      try {
        const sub = await submitted({ level: 'special', plannedEnd: cst(5, '17:00') }, 'hengda.safety');
        const id = sub.body.id as string;
        expect((await post('hengda.foreman', `/api/permits/${id}/approve`)).status).toBe(200);
        attack(CLS, NOTE, await post('hengda.foreman', `/api/permits/${id}/approve`), 403, 'SIGNER_ALREADY_SIGNED');
        attack(CLS, NOTE, await post('hengda.safety', `/api/permits/${id}/approve`), 403, 'SELF_APPROVAL');
        // A second unit head cannot take the safety department's step either.
        attack(
          CLS,
          NOTE,
          await post('hengda.workshop', `/api/permits/${id}/approve`),
          403,
          'APPROVER_POSITION_REQUIRED',
        );
        const level1 = await submitted({ level: 'level1' });
        expect((await post('hengda.foreman', `/api/permits/${level1.body.id}/approve`)).status).toBe(200);
        attack(
          CLS,
          NOTE,
          await post('hengda.foreman', `/api/permits/${level1.body.id}/approve`),
          403,
          'SIGNER_ALREADY_SIGNED',
        );
        attack(CLS, NOTE, await post('welder.zhang', `/api/permits/${level1.body.id}/approve`), 403, 'FORBIDDEN');
        // Rejected, resubmitted: a new round, the same person may sign again (once).
        expect(
          (await post('hengda.safety', `/api/permits/${level1.body.id}/reject`, { reason: '补充措施' })).status,
        ).toBe(200);
        expect((await post('hengda.admin', `/api/permits/${level1.body.id}/submit`)).status).toBe(200);
        expect((await post('hengda.foreman', `/api/permits/${level1.body.id}/approve`)).status).toBe(200);
        attack(
          CLS,
          NOTE,
          await post('hengda.foreman', `/api/permits/${level1.body.id}/approve`),
          403,
          'SIGNER_ALREADY_SIGNED',
        );
      } finally {
        await t.http
          .put(`/api/enterprises/${ids.steel}/permit-positions/${ids.users['hengda.foreman']}`)
          .set(await t.auth('hengda.admin'))
          .send({ positions: ['unit_head'] });
      }
    });

    it('the 主要负责人 position has one holder: a workshop head cannot be made a second principal', async () => {
      const url = `/api/enterprises/${ids.steel}/permit-positions/${ids.users['hengda.foreman']}`;
      attack(
        CLS,
        NOTE,
        await put('hengda.admin', url, { positions: ['unit_head', 'principal'] }),
        409,
        'CONFLICT',
        'positions:principalTaken',
      );
      const held = await t.ds.query(`SELECT position FROM user_positions WHERE user_id = $1`, [
        ids.users['hengda.foreman'],
      ]);
      expect(held).toEqual([{ position: 'unit_head' }]);
    });

    it('特级 is approved by three different people, the principal last', async () => {
      const sub = await submitted({ level: 'special', plannedEnd: cst(5, '17:00') }, 'hengda.foreman');
      const id = sub.body.id as string;
      expect((await post('hengda.workshop', `/api/permits/${id}/approve`)).status).toBe(200);
      expect((await post('hengda.safety', `/api/permits/${id}/approve`)).status).toBe(200);
      const done = await post('hengda.admin', `/api/permits/${id}/approve`);
      expect(done.body).toMatchObject({ status: 'approved', approval: { chain: MINIMUM.special, currentStep: 3 } });
      const signers = (done.body.trail as { action: string; actorUsername: string }[])
        .filter((e) => e.action === 'approved')
        .map((e) => e.actorUsername);
      expect(new Set(signers).size).toBe(3);
    });
  });

  describe('fire watcher', () => {
    const CLS = 'fire watcher unknown, without phone, or the welder';
    const NOTE =
      'the watcher is a registered active person of the enterprise with a phone, never a welder of the permit';

    it("refuses the welder as watcher, free text, another enterprise's person and a person without phone", async () => {
      attack(
        CLS,
        NOTE,
        await post('hengda.admin', '/api/permits', permitBody(ids, { fireWatcher: { personId: ids.zhang } })),
        422,
        'FIRE_WATCHER_INVALID',
        'fireWatcher.personId:isWelder',
      );
      attack(
        CLS,
        NOTE,
        await post(
          'hengda.admin',
          '/api/permits',
          permitBody(ids, { fireWatcher: { name: '王监护', phone: '13900009999' } }),
        ),
        400,
        'VALIDATION_FAILED',
        'fireWatcher.name:unknownField',
      );
      attack(
        CLS,
        NOTE,
        await post('hengda.admin', '/api/permits', permitBody(ids, { fireWatcher: { personId: ids.sun } })),
        422,
        'FIRE_WATCHER_INVALID',
        'fireWatcher.personId:unknownPerson',
      );
      // 陈静 works at 恒达 as a dispatched welder but is not its person.
      attack(
        CLS,
        NOTE,
        await post('hengda.admin', '/api/permits', permitBody(ids, { fireWatcher: { personId: ids.chen } })),
        422,
        'FIRE_WATCHER_INVALID',
        'fireWatcher.personId:unknownPerson',
      );
      attack(
        CLS,
        NOTE,
        await post(
          'hengda.admin',
          '/api/permits',
          permitBody(ids, { fireWatcher: { personId: '00000000-0000-4000-8000-000000000000' } }),
        ),
        422,
        'FIRE_WATCHER_INVALID',
        'fireWatcher.personId:unknownPerson',
      );
      const [phone] = await t.ds.query(`SELECT phone_enc, phone_masked FROM welders WHERE id = $1`, [ids.liu]);
      await t.ds.query(`UPDATE welders SET phone_enc = NULL, phone_masked = NULL WHERE id = $1`, [ids.liu]);
      try {
        attack(
          CLS,
          NOTE,
          await post('hengda.admin', '/api/permits', permitBody(ids, { fireWatcher: { personId: ids.liu } })),
          422,
          'FIRE_WATCHER_INVALID',
          'fireWatcher.personId:noPhone',
        );
      } finally {
        await t.ds.query(`UPDATE welders SET phone_enc = $2, phone_masked = $3 WHERE id = $1`, [
          ids.liu,
          phone.phone_enc,
          phone.phone_masked,
        ]);
      }
      await t.ds.query(`UPDATE welders SET status = 'inactive' WHERE id = $1`, [ids.liu]);
      try {
        attack(
          CLS,
          NOTE,
          await post('hengda.admin', '/api/permits', permitBody(ids, { fireWatcher: { personId: ids.liu } })),
          422,
          'FIRE_WATCHER_INVALID',
          'fireWatcher.personId:inactive',
        );
      } finally {
        await t.ds.query(`UPDATE welders SET status = 'active' WHERE id = $1`, [ids.liu]);
      }
    });

    it('naming the watcher as a welder afterwards is refused; a draft from before the rule is readable but must name a person to be submitted', async () => {
      const id = await draft();
      attack(
        CLS,
        NOTE,
        await patch('hengda.admin', `/api/permits/${id}`, { welderIds: [ids.zhang, ids.watcher] }),
        422,
        'FIRE_WATCHER_INVALID',
        'fireWatcher.personId:isWelder',
      );
      attack(
        CLS,
        NOTE,
        await patch('hengda.admin', `/api/permits/${id}`, { fireWatcher: { personId: ids.zhang } }),
        422,
        'FIRE_WATCHER_INVALID',
        'fireWatcher.personId:isWelder',
      );
      // As the old code stored it: free text only.
      await t.ds.query(`UPDATE permits SET fire_watcher_welder_id = NULL, fire_watcher_name = '张伟' WHERE id = $1`, [
        id,
      ]);
      const read = await t.http.get(`/api/permits/${id}`).set(await t.auth('hengda.admin'));
      expect(read.body.fireWatcher).toEqual({ personId: null, name: '张伟', phoneMasked: '139****9999' });
      attack(
        CLS,
        NOTE,
        await post('hengda.admin', `/api/permits/${id}/submit`),
        422,
        'PERMIT_INCOMPLETE',
        'fireWatcher:personRequired',
      );
      expect(
        (await patch('hengda.admin', `/api/permits/${id}`, { fireWatcher: { personId: ids.watcher } })).status,
      ).toBe(200);
      expect((await post('hengda.admin', `/api/permits/${id}/submit`)).status).toBe(200);
    });
  });

  describe('special periods', () => {
    const CLS = 'special period ignored or switched off';
    const NOTE =
      'statutory holidays and regulator periods raise the level whatever the enterprise set; a ban blocks submission and approval';
    const declare = async (body: Record<string, unknown>) => {
      const res = await post('huiting.regulator', '/api/blackouts', {
        regionCode: '411426100',
        kind: 'special_period',
        reason: '重大活动保障期',
        ...body,
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const noUpgrades = settings({ upgradeOnHolidays: false, upgradeAtNight: false });

    it('a regulator special period raises the level of overlapping permits; the enterprise cannot switch it off', async () => {
      expect((await put('hengda.admin', `/api/enterprises/${ids.steel}/permit-settings`, noUpgrades)).status).toBe(200);
      await declare({ effect: 'raise_level', startsAt: cst(5, '16:00'), endsAt: cst(7, '00:00') });
      const d = await post('hengda.admin', '/api/permits', permitBody(ids));
      neutralised(
        CLS,
        NOTE,
        d.body.effectiveLevel === 'level1' &&
          (d.body.levelUpgradeReasons as { kind: string }[])[0]?.kind === 'special_period',
      );
      const before = await post('hengda.admin', '/api/permits', permitBody(ids, { plannedEnd: cst(5, '16:00') }));
      expect(before.body.effectiveLevel).toBe('level2');
      const l1 = await post('hengda.admin', '/api/permits', permitBody(ids, { level: 'level1' }));
      neutralised(CLS, NOTE, l1.body.effectiveLevel === 'special');
    });

    it('statutory holidays (2026 calendar shipped) raise the level whatever the enterprise set', async () => {
      expect((await put('hengda.admin', `/api/enterprises/${ids.steel}/permit-settings`, noUpgrades)).status).toBe(200);
      clock.set('2026-09-30T08:00:00+08:00');
      const d = await post(
        'hengda.admin',
        '/api/permits',
        permitBody(ids, { plannedStart: '2026-10-01T09:00:00+08:00', plannedEnd: '2026-10-01T15:00:00+08:00' }),
      );
      expect(d.status).toBe(201);
      neutralised(
        CLS,
        NOTE,
        d.body.effectiveLevel === 'level1' && JSON.stringify(d.body.levelUpgradeReasons).includes('国庆节'),
      );
      const workday = await post(
        'hengda.admin',
        '/api/permits',
        permitBody(ids, { plannedStart: '2026-10-09T09:00:00+08:00', plannedEnd: '2026-10-09T15:00:00+08:00' }),
      );
      expect(workday.body.effectiveLevel).toBe('level2');
    });

    it('a ban blocks submission and approval of overlapping permits, also when declared after submission', async () => {
      await declare({ startsAt: cst(5, '12:00'), endsAt: cst(5, '13:00') });
      const id = await draft();
      attack(
        CLS,
        NOTE,
        await post('hengda.admin', `/api/permits/${id}/submit`),
        422,
        'PERMIT_BLOCKED_BY_BLACKOUT',
        'plannedStart:blackout',
      );
      const other = await submitted({ plannedStart: cst(6, '09:00'), plannedEnd: cst(6, '17:00') });
      await declare({ startsAt: cst(6, '12:00'), endsAt: cst(6, '13:00') });
      attack(
        CLS,
        NOTE,
        await post('hengda.foreman', `/api/permits/${other.body.id}/approve`),
        422,
        'PERMIT_BLOCKED_BY_BLACKOUT',
      );
    });

    it('a special period declared while the permit waits is applied at the final signature', async () => {
      const sub = await submitted({ plannedStart: cst(6, '09:00'), plannedEnd: cst(6, '17:00') });
      await declare({ effect: 'raise_level', startsAt: cst(6, '00:00'), endsAt: cst(7, '00:00') });
      attack(
        CLS,
        NOTE,
        await post('hengda.foreman', `/api/permits/${sub.body.id}/approve`),
        409,
        'PERMIT_LEVEL_RAISED',
      );
    });

    it('a special period declared after approval stops work under a permit approved one level short', async () => {
      const sub = await submitted();
      const id = sub.body.id as string;
      expect((await post('hengda.foreman', `/api/permits/${id}/approve`)).body.status).toBe('approved');
      clock.set(cst(5, '09:30'));
      const ask = () =>
        post('hengda.admin', `/api/permits/${id}/evaluate`, {
          welderId: ids.zhang,
          machineId: ids.steelMachine1,
          position: { lat: 34.1721, lng: 116.0012 },
        });
      expect((await ask()).body.reason).not.toBe('PERMIT_LEVEL_RAISED');
      await declare({ effect: 'raise_level', startsAt: cst(5, '10:00'), endsAt: cst(6, '00:00') });
      clock.set(cst(5, '10:30'));
      const res = await ask();
      neutralised(CLS, NOTE, res.body.allowed === false && res.body.reason === 'PERMIT_LEVEL_RAISED');
    });

    it('a raise_level period does not stop arcs itself: only bans are 禁火期 for the devices', async () => {
      const raise = await declare({ effect: 'raise_level', startsAt: cst(5, '08:00'), endsAt: cst(5, '20:00') });
      const svc = t.app.get(BlackoutsService);
      expect(await svc.findActiveFor('/411426/411426100/', new Date(cst(5, '10:00')))).toBeNull();
      const ban = await declare({ startsAt: cst(5, '08:00'), endsAt: cst(5, '20:00') });
      expect((await svc.findActiveFor('/411426/411426100/', new Date(cst(5, '10:00'))))?.id).toBe(ban);
      expect(raise).not.toBe(ban);
    });
  });

  describe('holiday calendar', () => {
    const CLS = 'holiday calendar written by the wrong party or malformed';
    const NOTE =
      'only the platform admin enters a year; days outside the year or without a published notice are refused';

    it('ships 2026, reports 2027 as not yet published, and lets the platform admin enter a year', async () => {
      const y2026 = await t.http.get('/api/holiday-calendar/2026').set(await t.auth('hengda.admin'));
      expect(y2026.body).toMatchObject({ year: 2026, published: true });
      expect((y2026.body.days as { date: string }[]).map((d) => d.date)).toEqual(
        expect.arrayContaining(['2026-01-01', '2026-02-15', '2026-02-23', '2026-10-07']),
      );
      expect(y2026.body.days).toHaveLength(33);
      expect((await t.http.get('/api/holiday-calendar/2027').set(await t.auth('hengda.admin'))).body).toMatchObject({
        year: 2027,
        published: false,
        days: [],
      });
      const body = {
        published: true,
        source: '国务院办公厅关于2027年部分节假日安排的通知',
        days: [{ date: '2027-01-01', name: '元旦' }],
      };
      attack(CLS, NOTE, await put('xiayi.regulator', '/api/holiday-calendar/2027', body), 403, 'FORBIDDEN');
      attack(CLS, NOTE, await put('hengda.admin', '/api/holiday-calendar/2027', body), 403, 'FORBIDDEN');
      attack(
        CLS,
        NOTE,
        await put('admin', '/api/holiday-calendar/2027', { ...body, days: [{ date: '2026-12-31', name: '元旦' }] }),
        400,
        'VALIDATION_FAILED',
        'days.0.date:otherYear',
      );
      attack(
        CLS,
        NOTE,
        await put('admin', '/api/holiday-calendar/2027', { ...body, days: [{ date: '2027-02-30', name: '春节' }] }),
        400,
        'VALIDATION_FAILED',
      );
      attack(
        CLS,
        NOTE,
        await put('admin', '/api/holiday-calendar/2027', { ...body, published: false }),
        400,
        'VALIDATION_FAILED',
        'published:daysWithoutNotice',
      );
      attack(CLS, NOTE, await put('admin', '/api/holiday-calendar/1999', body), 400, 'VALIDATION_FAILED');
      const ok = await put('admin', '/api/holiday-calendar/2027', body);
      expect(ok.status).toBe(200);
      // Four corrections at once: each audit entry's "before" is what the previous one left.
      const versions = [2, 3, 4, 5].map((d) => ({
        ...body,
        days: [...body.days, { date: `2027-01-0${d}`, name: '调休' }],
      }));
      expect(
        (await Promise.all(versions.map((v) => put('admin', '/api/holiday-calendar/2027', v)))).map((r) => r.status),
      ).toEqual([200, 200, 200, 200]);
      const entries: { before: unknown; after: unknown }[] = await t.ds.query(
        `SELECT before, after FROM audit_log WHERE action = 'holiday_calendar.update' AND entity_id = '2027' ORDER BY id`,
      );
      expect(entries).toHaveLength(5);
      for (let i = 1; i < entries.length; i++) expect(entries[i].before).toEqual(entries[i - 1].after);
      expect((await put('admin', '/api/holiday-calendar/2027', body)).status).toBe(200);
      clock.set('2026-12-31T08:00:00+08:00');
      const d = await post(
        'hengda.admin',
        '/api/permits',
        permitBody(ids, { plannedStart: '2027-01-01T09:00:00+08:00', plannedEnd: '2027-01-01T15:00:00+08:00' }),
      );
      expect(d.body.effectiveLevel).toBe('level1');
    });
  });

  describe('after approval', () => {
    const CLS = 'approved permit changed or signed out of time';
    const NOTE = 'no edit, welder/machine/watcher change or back-dated signature once approved or expired';

    it('refuses edits of an approved permit and signatures on a window that has passed', async () => {
      const sub = await submitted();
      const id = sub.body.id as string;
      expect((await post('hengda.foreman', `/api/permits/${id}/approve`)).body.status).toBe('approved');
      attack(
        CLS,
        NOTE,
        await patch('hengda.admin', `/api/permits/${id}`, { welderIds: [ids.liu] }),
        409,
        'INVALID_STATE',
      );
      attack(
        CLS,
        NOTE,
        await patch('hengda.admin', `/api/permits/${id}`, { machineIds: [ids.steelMachine2] }),
        409,
        'INVALID_STATE',
      );
      attack(
        CLS,
        NOTE,
        await patch('hengda.admin', `/api/permits/${id}`, { fireWatcher: { personId: ids.liu } }),
        409,
        'INVALID_STATE',
      );
      attack(
        CLS,
        NOTE,
        await patch('hengda.admin', `/api/permits/${id}`, { plannedEnd: cst(6, '17:00') }),
        409,
        'INVALID_STATE',
      );
      attack(
        CLS,
        NOTE,
        await post('hengda.admin', `/api/permits/${id}/extend`, { newEnd: cst(8, '17:00'), reason: '延期' }),
        422,
        'EXTENSION_BEYOND_MAXIMUM',
      );
      // 一级 waiting at step 2 when its window ends: no one signs it any more.
      const l1 = await submitted({ level: 'level1', plannedStart: cst(5, '09:00'), plannedEnd: cst(5, '12:00') });
      expect((await post('hengda.foreman', `/api/permits/${l1.body.id}/approve`)).status).toBe(200);
      clock.set(cst(5, '12:30'));
      attack(CLS, NOTE, await post('hengda.safety', `/api/permits/${l1.body.id}/approve`), 422, 'PERMIT_WINDOW_PAST');
      const l1b = await submitted({ level: 'level1', plannedStart: cst(5, '13:00'), plannedEnd: cst(5, '15:00') });
      clock.set(cst(5, '15:30'));
      attack(CLS, NOTE, await post('hengda.foreman', `/api/permits/${l1b.body.id}/approve`), 422, 'PERMIT_WINDOW_PAST');
      // A draft written ahead and submitted hours after its start would cover the hours already past.
      clock.set(cst(6, '07:00'));
      const early = await draft({ plannedStart: cst(6, '08:00'), plannedEnd: cst(6, '16:00') });
      clock.set(cst(6, '11:00'));
      attack(
        CLS,
        NOTE,
        await post('hengda.admin', `/api/permits/${early}/submit`),
        422,
        'PERMIT_WINDOW_PAST',
        'plannedStart:inPast',
      );
      expect((await patch('hengda.admin', `/api/permits/${early}`, { plannedStart: cst(6, '11:00') })).status).toBe(
        200,
      );
      expect((await post('hengda.admin', `/api/permits/${early}/submit`)).status).toBe(200);
    });
  });
});
