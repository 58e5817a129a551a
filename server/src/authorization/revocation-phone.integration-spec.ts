import { PHONE_PUSH_TTL_MS, ReasonCode, toPublicKey, verifyGrant, verifyServerMessage } from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { CodesService } from '../codes/codes.service';
import { CodeSubjectType } from '../codes/identity-code.entity';
import { FakeClock } from '../common/clock/clock';
import { DeviceGateway } from '../devices/device-gateway';
import { cst, DemoIds, demoIds, STEEL_SITE } from '../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { RevocationService } from './revocation.service';
import { activeCode, approvedPermit, at9, bindNewChip, FakeDevice, waitUntil } from './testing/arm-test-kit';
import { PhonePushDelivery } from './phone-push';

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
      // Asked after the background delivery took it (the race a start can lose on a busy server): delivered.
      expect(await t.app.get(PhonePushDelivery).pushIfOnline(sessionId)).toBe(true);

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
      expect(await t.app.get(PhonePushDelivery).pushIfOnline(sessionId)).toBe(false);
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

    it('follows what the device reports (relay, arcs), ends the work on request (WORK_ENDED, audited) and lists the day', async () => {
      await device.online();
      await online(true);
      const res = await start(phoneBody());
      expect(res.body).toMatchObject({ allowed: true, delivered: true });
      const sessionId = res.body.sessionId as string;
      const grantId = res.body.grant.grantId as string;
      await pushOf(device, sessionId, 3000);
      const { answer } = await device.arm(device.armBody({ kind: 'phone_session', sessionId }));
      expect(answer.type).toBe('arm.grant');
      expect((await session(sessionId)).work).toMatchObject({
        phase: 'waiting',
        deviceOnline: true,
        relayClosedAt: null,
        arcStartedAt: null,
        arcCount: 0,
        endedAt: null,
      });

      // What the telemetry ingest stores from the device's events (its own suite covers the ingest itself).
      const t0 = clock.now().getTime();
      const iso = (ms: number) => new Date(t0 + ms).toISOString();
      let seq = 7_000_000 + Math.floor(Math.random() * 1_000_000);
      const event = (type: string, ms: number, payload: object, grant: string | null = grantId) =>
        t.ds.query(
          `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, machine_id, grant_id, payload)
           VALUES ($1, $2, $3, $4, now(), $5, $6, $7)`,
          [device.chip.chip, ++seq, type, iso(ms), ids.steelMachine1, grant, { type, at: iso(ms), ...payload }],
        );
      await event('relay.change', 1_000, { closed: true, trigger: 'arm_granted', grantId });
      // Another grant's arc on the same chip is not this session's.
      await event('arc.start', 2_000, {}, null);
      expect((await session(sessionId)).work).toMatchObject({ phase: 'relay_closed', relayClosedAt: iso(1_000) });
      await event('arc.start', 10_000, { grantId });
      expect((await session(sessionId)).work).toMatchObject({ phase: 'arcing', arcStartedAt: iso(10_000) });
      await event('arc.stop', 40_000, { grantId });
      await t.ds.query(
        `INSERT INTO arcs (chip_id, stop_seq, machine_id, grant_id, welder_id, permit_id, started_at, ended_at, duration_ms,
                           current_stats, voltage_stats, samples, sample_rate_hz, authorized)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 30000, $9, $10, 300, 10, true)`,
        [
          device.chip.chip,
          seq,
          ids.steelMachine1,
          grantId,
          ids.zhang,
          permit,
          iso(10_000),
          iso(40_000),
          { min: 120, max: 180, mean: 152.3, p95: 175 },
          { min: 20, max: 26, mean: 24, p95: 25 },
        ],
      );
      expect((await session(sessionId)).work).toMatchObject({
        phase: 'relay_closed',
        arcStartedAt: null,
        arcCount: 1,
        arcMs: 30_000,
        lastArc: { endedAt: iso(40_000), durationMs: 30_000, currentMeanA: 152.3, currentMaxA: 180 },
      });

      // Only the welder of the session may end it: not another welder, not the enterprise.
      const other = await t.http
        .post('/api/users')
        .set(await t.auth('admin'))
        .send({
          username: 'welder.sun',
          password: DEMO_PASSWORD,
          displayName: '孙磊',
          role: 'welder',
          welderId: ids.sun,
        });
      expect(other.status).toBe(201);
      expect((await t.http.post(`/api/arm-sessions/${sessionId}/end`).set(await t.auth('welder.sun'))).status).toBe(
        404,
      );
      expect((await t.http.post(`/api/arm-sessions/${sessionId}/end`).set(await t.auth('hengda.admin'))).status).toBe(
        403,
      );
      expect((await grantRow(grantId)).revoked_at).toBeNull();

      const ended = await t.http.post(`/api/arm-sessions/${sessionId}/end`).set(await t.auth('welder.zhang'));
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ status: 'revoked', revokeReason: 'WORK_ENDED', work: { phase: 'ended' } });
      expect(ended.body.work.endedAt).toBe(clock.now().toISOString());
      const revoke = await revokeOf(grantId, 3000);
      expect(revoke.body).toMatchObject({
        grantId,
        reason: ReasonCode.WORK_ENDED,
        message: { 'zh-CN': '焊工已结束作业，焊机上锁' },
      });
      const audited = async () =>
        t.ds.query(
          `SELECT a.action, a.entity_type, a.enterprise_id, a.after, u.username FROM audit_log a
             JOIN users u ON u.id = a.actor_user_id WHERE a.entity_id = $1`,
          [sessionId],
        );
      expect(await audited()).toEqual([
        {
          action: 'arm_session.end',
          entity_type: 'arm_session',
          enterprise_id: ids.steel,
          after: { machineId: ids.steelMachine1, permitId: permit, reason: 'WORK_ENDED' },
          username: 'welder.zhang',
        },
      ]);
      // Ending it again changes nothing and records nothing.
      const again = await t.http.post(`/api/arm-sessions/${sessionId}/end`).set(await t.auth('welder.zhang'));
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('revoked');
      expect(await audited()).toHaveLength(1);

      // The device answers the revoke by opening its relay: the session ends there.
      await event('relay.change', 50_000, { closed: false, trigger: 'grant_revoked', grantId });
      expect((await session(sessionId)).work).toMatchObject({ phase: 'ended', endedAt: iso(50_000) });

      const day = async (user: string, from = cst(5, '00:00')) =>
        t.http
          .get('/api/arm-sessions')
          .query({ from })
          .set(await t.auth(user));
      const mine = await day('welder.zhang');
      expect(mine.status).toBe(200);
      expect(mine.body.find((r: { id: string }) => r.id === sessionId)).toEqual({
        id: sessionId,
        status: 'revoked',
        machineId: ids.steelMachine1,
        machineName: expect.any(String),
        permitId: permit,
        permitWork: expect.any(String),
        requestedAt: clock.now().toISOString(),
        relayClosedAt: iso(1_000),
        endedAt: iso(50_000),
        arcCount: 1,
        arcMs: 30_000,
        revokeReason: 'WORK_ENDED',
      });
      expect((await day('welder.zhang', cst(6, '00:00'))).body).toEqual([]);
      expect((await day('welder.sun')).body.some((r: { id: string }) => r.id === sessionId)).toBe(false);
      expect((await day('hengda.admin')).status).toBe(403);
      expect((await t.http.get('/api/arm-sessions').set(await t.auth('welder.zhang'))).status).toBe(400);
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
