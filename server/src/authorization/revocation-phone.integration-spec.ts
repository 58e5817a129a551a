import { PHONE_PUSH_TTL_MS, ReasonCode, toPublicKey, verifyGrant, verifyServerMessage } from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { CodesService } from '../codes/codes.service';
import { CodeSubjectType } from '../codes/identity-code.entity';
import { FakeClock } from '../common/clock/clock';
import { DeviceGateway } from '../devices/device-gateway';
import { cst, DemoIds, demoIds, STEEL_SITE } from '../permits/testing/permit-fixtures';
import { RevocationService } from './revocation.service';
import { activeCode, approvedPermit, at9, bindNewChip, FakeDevice, waitUntil } from './testing/arm-test-kit';

describe('revocation and the phone-initiated start', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let permit: string;
  let device: FakeDevice;
  let zhangCode: string;
  let machineCode: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    await t.app.get(DeviceGateway).ready();
    permit = await approvedPermit(t, clock, ids);
    clock.set(at9());
    device = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine1)).connect();
    zhangCode = await activeCode(t, ids.zhang);
    machineCode = await activeCode(t, ids.steelMachine1);
  });
  afterAll(async () => {
    await device?.close();
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));

  const serverPublicKey = () => toPublicKey(t.config.secrets.deviceSigningKey);
  const grantFor = async (permitId = permit) => {
    const { answer } = await device.arm(device.armBody({ kind: 'welder_code', code: zhangCode }, { permitId }));
    expect(answer.type).toBe('arm.grant');
    return answer.body.grantId as string;
  };
  const revokeOf = (grantId: string, timeoutMs = 8000) =>
    device.next((topic, m) => topic.endsWith('/down/grant.revoke') && m.body.grantId === grantId, timeoutMs);
  const grantRow = async (grantId: string) =>
    (await t.ds.query('SELECT * FROM grants WHERE grant_id = $1', [grantId]))[0];
  const revocation = () => t.app.get(RevocationService);

  describe('revocation', () => {
    it('cancelling the permit sends grant.revoke (PERMIT_CANCELLED) without the permits module calling revocation', async () => {
      const p = await approvedPermit(t, clock, ids);
      const grantId = await grantFor(p);
      expect(
        (
          await t.http
            .post(`/api/permits/${p}/cancel`)
            .set(await t.auth('hengda.admin'))
            .send({ reason: '工序调整' })
        ).status,
      ).toBe(200);
      const revoke = await revokeOf(grantId, 10_000);
      expect(revoke.body).toMatchObject({
        grantId,
        reason: ReasonCode.PERMIT_CANCELLED,
        message: { 'zh-CN': '动火作业许可已撤销' },
      });
      expect(
        verifyServerMessage(revoke, {
          serverPublicKey: serverPublicKey(),
          chip: device.chip.chip,
          type: 'grant.revoke',
          now: clock.now(),
        }).ok,
      ).toBe(true);
      // revoke_sent_at is written after the broker acknowledges the publish, which may land just after the device has it.
      const row = await waitUntil(
        async () => {
          const r = await grantRow(grantId);
          return r.revoke_sent_at ? r : null;
        },
        3000,
        'revoke_sent_at',
      );
      expect(row).toMatchObject({ revoke_reason: 'PERMIT_CANCELLED' });
      expect(row.revoked_at).not.toBeNull();
    });

    it('on demand: a regulator order revokes at once through revokeWhere', async () => {
      const grantId = await grantFor();
      const revoked = await revocation().revokeWhere({ machineId: ids.steelMachine1 }, ReasonCode.REGULATOR_ORDER);
      expect(revoked.map((g) => g.grantId)).toContain(grantId);
      expect((await revokeOf(grantId, 2000)).body).toMatchObject({ reason: ReasonCode.REGULATOR_ORDER });
      // Already revoked: a second call finds nothing left to revoke.
      expect(await revocation().revokeWhere({ grantId }, ReasonCode.REGULATOR_ORDER)).toEqual([]);
    });

    it('suspending the machine revokes its grants (MACHINE_SUSPENDED)', async () => {
      const grantId = await grantFor();
      const status = async (body: object) =>
        t.http
          .post(`/api/machines/${ids.steelMachine1}/status`)
          .set(await t.auth('huiting.regulator'))
          .send(body);
      expect((await status({ status: 'suspended', reason: '责令停用' })).status).toBe(200);
      try {
        // The database trigger has already revoked it; an explicit call finds nothing more and is harmless.
        await revocation().revokeAffected({ machineId: ids.steelMachine1 });
        expect((await revokeOf(grantId, 2000)).body).toMatchObject({ reason: ReasonCode.MACHINE_SUSPENDED });
      } finally {
        await status({ status: 'active' });
      }
    });

    it('revoking the welder code revokes the grants obtained with it (WELDER_CODE_REVOKED)', async () => {
      const grantId = await grantFor();
      const other = await grantFor();
      expect(
        (
          await t.http
            .post(`/api/codes/welders/${ids.zhang}/revoke`)
            .set(await t.auth('hengda.admin'))
            .send({ reason: '工牌遗失' })
        ).status,
      ).toBe(200);
      const revoked = await revocation().revokeAffected({ welderId: ids.zhang });
      const byId = new Map(revoked.map((g) => [g.grantId, g.reason]));
      for (const id of [grantId, other]) {
        expect((await revokeOf(id, 2000)).body).toMatchObject({ reason: ReasonCode.WELDER_CODE_REVOKED });
        if (byId.has(id)) expect(byId.get(id)).toBe(ReasonCode.WELDER_CODE_REVOKED);
      }
      const reissued = await t.http
        .post(`/api/codes/welders/${ids.zhang}/reissue`)
        .set(await t.auth('hengda.admin'))
        .send({ reason: '补发' });
      zhangCode = reissued.body.code;
    });

    it('a blackout declared for the region revokes live grants there (BLACKOUT_IN_FORCE)', async () => {
      const grantId = await grantFor();
      const declared = await t.http
        .post('/api/blackouts')
        .set(await t.auth('xiayi.regulator'))
        .send({
          regionCode: '411426',
          kind: 'special_period',
          startsAt: cst(5, '08:59'),
          endsAt: cst(5, '18:00'),
          reason: '重大活动期间全县禁止动火',
        });
      expect(declared.status).toBe(201);
      try {
        expect((await revokeOf(grantId, 10_000)).body).toMatchObject({ reason: ReasonCode.BLACKOUT_IN_FORCE });
      } finally {
        await t.http
          .post(`/api/blackouts/${declared.body.id}/cancel`)
          .set(await t.auth('xiayi.regulator'))
          .send({ reason: '活动结束' });
      }
    });
  });

  describe('phone-initiated start', () => {
    const start = async (body: object, user = 'welder.zhang') =>
      t.http
        .post('/api/arm-sessions')
        .set(await t.auth(user))
        .send(body);
    const phoneBody = (over: Record<string, unknown> = {}) => ({
      machineCode: `https://arcgate.test/q/${machineCode}`,
      permitId: permit,
      position: { lat: STEEL_SITE.lat, lng: STEEL_SITE.lng, accuracyM: 8 },
      ...over,
    });
    const session = async (id: string) =>
      (await t.http.get(`/api/arm-sessions/${id}`).set(await t.auth('welder.zhang'))).body;
    const pushOf = (d: FakeDevice, sessionId: string, timeoutMs = 8000) =>
      d.next((topic, m) => topic.endsWith('/down/grant.push') && m.body.sessionId === sessionId, timeoutMs);
    const online = (v: boolean) =>
      waitUntil(
        async () =>
          (await t.ds.query('SELECT 1 FROM chips WHERE chip_id = $1 AND online = $2', [device.chip.chip, v])).length >
          0,
        8000,
        `online=${v}`,
      );

    it('pushes to an online device, which then arms with the session and gets the announced grant', async () => {
      await device.online();
      await online(true);
      const res = await start(phoneBody());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        allowed: true,
        reason: 'OK',
        delivered: true,
        sessionId: expect.any(String),
        grant: { grantId: expect.any(String), expiresAt: expect.any(String) },
      });
      const sessionId = res.body.sessionId as string;
      const push = await pushOf(device, sessionId, 3000);
      expect(push.body).toMatchObject({ sessionId, welderId: ids.zhang, welderName: '张*', permitId: permit });
      expect(
        verifyServerMessage(push, {
          serverPublicKey: serverPublicKey(),
          chip: device.chip.chip,
          type: 'grant.push',
          now: clock.now(),
        }).ok,
      ).toBe(true);
      expect((await session(sessionId)).status).toBe('delivered');

      const body = device.armBody({ kind: 'phone_session', sessionId });
      // The device's grant is issued now: it carries the machine's rating at take-up (re-rated since the phone start).
      expect((await grantRow(res.body.grant.grantId)).max_current_a).toBe(400);
      await t.ds.query('UPDATE machines SET rated_current_a = 315 WHERE id = $1', [ids.steelMachine1]);
      const { request, answer } = await device
        .arm(body)
        .finally(() => t.ds.query('UPDATE machines SET rated_current_a = 400 WHERE id = $1', [ids.steelMachine1]));
      expect(answer.type).toBe('arm.grant');
      expect(answer.body).toMatchObject({
        grantId: res.body.grant.grantId,
        welderId: ids.zhang,
        permitId: permit,
        nonce: body.nonce,
        maxCurrentA: 315,
      });
      expect((await grantRow(res.body.grant.grantId)).max_current_a).toBe(315);
      expect(
        verifyGrant(answer, {
          serverPublicKey: serverPublicKey(),
          chip: device.chip.chip,
          expectedNonce: body.nonce,
          expectedRequestId: request.id,
          now: clock.now(),
        }).ok,
      ).toBe(true);
      expect(Date.parse(answer.body.expiresAt)).toBeLessThanOrEqual(Date.parse(res.body.grant.expiresAt));
      expect((await session(sessionId)).status).toBe('armed');
      const decisions = await t.ds.query(
        `SELECT source, reason, grant_id FROM decisions WHERE request_id = ANY($1) ORDER BY at, source DESC`,
        [[sessionId, request.id]],
      );
      expect(decisions).toEqual([
        { source: 'phone', reason: 'OK', grant_id: res.body.grant.grantId },
        { source: 'device', reason: 'OK', grant_id: res.body.grant.grantId },
      ]);

      // A session is used once.
      const again = await device.arm(device.armBody({ kind: 'phone_session', sessionId }));
      expect(again.answer.body).toMatchObject({ reason: ReasonCode.PHONE_SESSION_UNKNOWN });
    });

    it('keeps the push for an offline device and delivers it when the device comes back within the window', async () => {
      await device.offline();
      await online(false);
      const res = await start(phoneBody());
      expect(res.body).toMatchObject({ allowed: true, delivered: false });
      const sessionId = res.body.sessionId as string;
      expect((await session(sessionId)).status).toBe('pending');

      clock.advance(5 * 60_000);
      device = await device.reconnected();
      await device.online();
      const push = await pushOf(device, sessionId, 8000);
      expect(Date.parse(push.body.expiresAt)).toBeGreaterThan(clock.now().getTime());
      expect((await session(sessionId)).status).toBe('delivered');

      // The welder confirms too late on the device: the session has expired.
      clock.advance(2 * 60_000);
      const late = await device.arm(device.armBody({ kind: 'phone_session', sessionId }));
      expect(late.answer.body).toMatchObject({ reason: ReasonCode.PHONE_SESSION_EXPIRED });
    });

    it('does not deliver a push after the window', async () => {
      await device.offline();
      await online(false);
      const res = await start(phoneBody());
      expect(res.body).toMatchObject({ allowed: true, delivered: false });
      const sessionId = res.body.sessionId as string;

      clock.advance(PHONE_PUSH_TTL_MS + 60_000);
      device = await device.reconnected();
      await device.online();
      await online(true);
      // Several delivery passes (every 2 s) happen while we wait.
      await new Promise((r) => setTimeout(r, 5000));
      expect(
        device.received.some((r) => r.topic.endsWith('/grant.push') && r.message.body.sessionId === sessionId),
      ).toBe(false);
      expect(await session(sessionId)).toMatchObject({ status: 'expired', delivered: false, pushedAt: null });
    });

    it('answers a denial with its reason, and raises REMOTE_START_FAR_AWAY for a phone far from the machine', async () => {
      const res = await start(
        phoneBody({ position: { lat: STEEL_SITE.lat + 0.02, lng: STEEL_SITE.lng, accuracyM: 10 } }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        allowed: false,
        reason: 'OUTSIDE_GEOFENCE',
        delivered: false,
        message: { 'zh-CN': expect.any(String), en: expect.any(String) },
      });
      expect(res.body.sessionId).toBeUndefined();
      const alert = await waitUntil(
        async () =>
          (
            await t.ds.query(`SELECT * FROM alerts WHERE type = 'REMOTE_START_FAR_AWAY' AND machine_id = $1`, [
              ids.steelMachine1,
            ])
          )[0],
        5000,
        'REMOTE_START_FAR_AWAY',
      );
      expect(alert).toMatchObject({ welder_id: ids.zhang, enterprise_id: ids.steel });
      expect(alert.evidence.distanceM).toBeGreaterThan(500);
      const [d] = await t.ds.query(
        `SELECT source, allowed, reason FROM decisions WHERE source = 'phone' AND reason = 'OUTSIDE_GEOFENCE'`,
      );
      expect(d).toEqual({ source: 'phone', allowed: false, reason: 'OUTSIDE_GEOFENCE' });
    });

    it('refuses forged, unknown, revoked and non-machine codes with 4xx, and non-welders', async () => {
      const forged = machineCode.slice(0, -1) + (machineCode.endsWith('0') ? '1' : '0');
      const f = await start(phoneBody({ machineCode: forged }));
      expect(f.status).toBe(400);
      expect(f.body.error).toMatchObject({ code: 'CODE_FORGED', fields: [{ field: 'machineCode', code: 'forged' }] });
      expect((await start(phoneBody({ machineCode: 'hello' }))).body.error.code).toBe('CODE_MALFORMED');
      const w = await start(phoneBody({ machineCode: zhangCode }));
      expect(w.status).toBe(400);
      expect(w.body.error.fields).toEqual([expect.objectContaining({ field: 'machineCode', code: 'notMachineCode' })]);
      const unknown = t.app.get(CodesService).signer.generate(CodeSubjectType.Machine);
      expect((await start(phoneBody({ machineCode: unknown }))).status).toBe(404);
      const code2 = await activeCode(t, ids.steelMachine2);
      expect(
        (
          await t.http
            .post(`/api/codes/machines/${ids.steelMachine2}/revoke`)
            .set(await t.auth('hengda.admin'))
            .send({ reason: '标签损坏' })
        ).status,
      ).toBe(200);
      const revoked = await start(phoneBody({ machineCode: code2 }));
      expect(revoked.status).toBe(410);
      expect(revoked.body.error.code).toBe('CODE_REVOKED');
      expect((await start(phoneBody(), 'hengda.admin')).status).toBe(403);
      const invalid = await start({ machineCode, permitId: 'x', position: { lat: 91, lng: 0 }, extra: 1 });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.fields.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toEqual(
        expect.arrayContaining([
          'permitId:isUuid',
          'position.lat:max',
          'position.accuracyM:isNumber',
          'extra:unknownField',
        ]),
      );
      expect(
        (await t.http.get('/api/arm-sessions/00000000-0000-4000-8000-000000000000').set(await t.auth('welder.zhang')))
          .status,
      ).toBe(404);
    });
  });
});
