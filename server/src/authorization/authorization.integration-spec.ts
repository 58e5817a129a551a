import { KeyObject } from 'node:crypto';
import { Response } from 'supertest';
import {
  ArmRequestBody,
  createEnvelope,
  Envelope,
  generateChipKeyPair,
  GRANT_MAX_LIFETIME_MS,
  newNonce,
  ReasonCode,
  signEnvelope,
  toPublicKey,
  verifyEnvelope,
  verifyGrant,
} from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { CodesService } from '../codes/codes.service';
import { CodeSubjectType } from '../codes/identity-code.entity';
import { FakeClock } from '../common/clock/clock';
import { encodeCursor } from '../common/http/keyset-cursor';
import { ARM_REQUEST_HANDLER, ArmRequestHandler, VerifiedDeviceMessage } from '../device-core/device-ports';
import { DeviceGateway } from '../devices/device-gateway';
import { cst, DemoIds, demoIds } from '../permits/testing/permit-fixtures';
import {
  activeCode,
  approvedPermit,
  at9,
  bindNewChip,
  draftPermit,
  FakeDevice,
  fix,
  observeDown,
  waitUntil,
} from './testing/arm-test-kit';

type StoredDecision = {
  id: string;
  allowed: boolean;
  reason: string;
  source: string;
  chip_id: string;
  machine_id: string | null;
  enterprise_id: string | null;
  welder_id: string | null;
  permit_id: string | null;
  grant_id: string | null;
  latency_ms: number;
};

describe('authorization engine: arm requests over MQTT', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let permit: string;
  let device: FakeDevice;
  let zhangCode: string;
  let liuCode: string;
  let observer: Awaited<ReturnType<typeof observeDown>>;

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      // One chip is driven through every rule in quick succession: a flood by the gateway's measure
      // (rate limits are tested in devices/device-messages.integration-spec.ts).
      config: { deviceRateLimits: { arm: { capacity: 1000, perSecond: 100 } } },
    });
    ids = await demoIds(t.ds);
    await t.app.get(DeviceGateway).ready();
    permit = await approvedPermit(t, clock, ids);
    device = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine1)).connect();
    zhangCode = await activeCode(t, ids.zhang);
    liuCode = await activeCode(t, ids.liu);
    observer = await observeDown(t);
  });
  afterAll(async () => {
    await device?.close();
    await observer?.client.endAsync(true);
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));

  const zhang = () => ({ kind: 'welder_code' as const, code: zhangCode });
  const stored = async (requestId: string): Promise<StoredDecision> => {
    const rows: StoredDecision[] = await t.ds.query('SELECT * FROM decisions WHERE request_id = $1', [requestId]);
    expect(rows).toHaveLength(1);
    return rows[0];
  };
  /** Asserts the denial on the wire and in the decisions table. */
  const expectDenied = async (body: ArmRequestBody, reason: ReasonCode, d: FakeDevice = device) => {
    const { request, answer } = await d.arm(body);
    expect(answer.type).toBe('arm.denied');
    expect(answer.body).toMatchObject({
      requestId: request.id,
      reason,
      message: { 'zh-CN': expect.any(String), en: expect.any(String) },
    });
    expect(verifyEnvelope(t.config.secrets.deviceSigningKey, answer)).toBe(true);
    const row = await stored(request.id);
    expect(row).toMatchObject({ allowed: false, reason, source: 'device', chip_id: d.chip.chip, grant_id: null });
    return row;
  };

  it('grants a valid request: the grant verifies offline with the server key, expires by the permit end, and is stored', async () => {
    const body = device.armBody(zhang(), { permitId: permit });
    const { request, answer } = await device.arm(body);
    expect(answer.type).toBe('arm.grant');
    const serverPublicKey = toPublicKey(t.config.secrets.deviceSigningKey);
    const v = verifyGrant(answer, {
      serverPublicKey,
      chip: device.chip.chip,
      expectedNonce: body.nonce,
      expectedRequestId: request.id,
      now: clock.now(),
    });
    expect(v.ok).toBe(true);
    const g = answer.body;
    // maxCurrentA: the machine's rated current (WS-400 in the demo data: 400 A).
    expect(g).toMatchObject({
      chip: device.chip.chip,
      machineId: ids.steelMachine1,
      welderId: ids.zhang,
      permitId: permit,
      nonce: body.nonce,
      welderName: '张*',
      maxCurrentA: 400,
    });
    expect(Date.parse(g.expiresAt)).toBeLessThanOrEqual(Date.parse(cst(5, '17:00')));
    expect(Date.parse(g.expiresAt) - Date.parse(g.issuedAt)).toBeLessThanOrEqual(GRANT_MAX_LIFETIME_MS);
    // A grant for another nonce or chip does not verify.
    expect(
      verifyGrant(answer, { serverPublicKey, chip: device.chip.chip, expectedNonce: newNonce(), now: clock.now() }).ok,
    ).toBe(false);

    const row = await stored(request.id);
    expect(row).toMatchObject({
      allowed: true,
      reason: 'OK',
      welder_id: ids.zhang,
      permit_id: permit,
      machine_id: ids.steelMachine1,
      enterprise_id: ids.steel,
      grant_id: g.grantId,
    });
    expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    const [grant] = await t.ds.query('SELECT * FROM grants WHERE grant_id = $1', [g.grantId]);
    expect(grant).toMatchObject({
      chip_id: device.chip.chip,
      welder_id: ids.zhang,
      permit_id: permit,
      request_id: request.id,
      nonce: body.nonce,
      revoked_at: null,
      max_current_a: 400,
    });
    expect(new Date(grant.expires_at).toISOString()).toBe(g.expiresAt);
    expect(grant.delivered_at).not.toBeNull();
  });

  it('sends no maxCurrentA for a machine whose rated current is unknown', async () => {
    await t.ds.query('UPDATE machines SET rated_current_a = NULL WHERE id = $1', [ids.steelMachine1]);
    try {
      const { answer } = await device.arm(device.armBody(zhang(), { permitId: permit }));
      expect(answer.type).toBe('arm.grant');
      expect(answer.body).not.toHaveProperty('maxCurrentA');
      expect(
        (await t.ds.query('SELECT max_current_a FROM grants WHERE grant_id = $1', [answer.body.grantId]))[0]
          .max_current_a,
      ).toBeNull();
    } finally {
      await t.ds.query('UPDATE machines SET rated_current_a = 400 WHERE id = $1', [ids.steelMachine1]);
    }
  });

  it('uses the only permit naming welder and machine when the request names none', async () => {
    const { answer } = await device.arm(device.armBody(zhang()));
    expect(answer.type).toBe('arm.grant');
    expect(answer.body.permitId).toBe(permit);
  });

  it('answers a retry of the same request with the same grant, and a new request with a used nonce with NONCE_REUSED', async () => {
    const body = device.armBody(zhang(), { permitId: permit });
    const first = await device.arm(body);
    expect(first.answer.type).toBe('arm.grant');
    const before = device.received.length;
    // The repeat carries the terms the grant was issued with, even if the machine's rating changed since.
    await t.ds.query('UPDATE machines SET rated_current_a = 350 WHERE id = $1', [ids.steelMachine1]);
    // The device re-publishes the identical envelope after its timeout.
    await device.client.publishAsync(
      `${device.root}/d/${device.chip.chip}/up/arm.request`,
      JSON.stringify(first.request),
      { qos: 1 },
    );
    const again = await device
      .next((topic, m) => topic.endsWith('/arm.grant') && m.body.requestId === first.request.id, 8000, before)
      .finally(() => t.ds.query('UPDATE machines SET rated_current_a = 400 WHERE id = $1', [ids.steelMachine1]));
    expect(again.body.grantId).toBe(first.answer.body.grantId);
    expect(again.body.maxCurrentA).toBe(400);
    expect(
      (await t.ds.query('SELECT count(*)::int AS n FROM decisions WHERE request_id = $1', [first.request.id]))[0].n,
    ).toBe(1);
    // A replay: a new message carrying the nonce already used.
    await expectDenied({ ...body }, ReasonCode.NONCE_REUSED);
  });

  it('denies a welder not named on the permit (刘洋) and a machine not named on it', async () => {
    await expectDenied(
      device.armBody({ kind: 'welder_code', code: liuCode }, { permitId: permit }),
      ReasonCode.WELDER_NOT_NAMED,
    );
    const other = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine2)).connect();
    try {
      await expectDenied(other.armBody(zhang(), { permitId: permit }), ReasonCode.MACHINE_NOT_NAMED, other);
    } finally {
      await other.close();
    }
  });

  it('denies unknown, forged and revoked welder codes', async () => {
    const unknown = t.app.get(CodesService).signer.generate(CodeSubjectType.Welder);
    await expectDenied(
      device.armBody({ kind: 'welder_code', code: unknown }, { permitId: permit }),
      ReasonCode.WELDER_UNKNOWN,
    );
    const forged = zhangCode.slice(0, -1) + (zhangCode.endsWith('0') ? '1' : '0');
    await expectDenied(
      device.armBody({ kind: 'welder_code', code: forged }, { permitId: permit }),
      ReasonCode.WELDER_CODE_INVALID,
    );
    const res = await t.http
      .post(`/api/codes/welders/${ids.liu}/revoke`)
      .set(await t.auth('hengda.admin'))
      .send({ reason: '工牌遗失' });
    expect(res.status).toBe(200);
    await expectDenied(
      device.armBody({ kind: 'welder_code', code: liuCode }, { permitId: permit }),
      ReasonCode.WELDER_CODE_REVOKED,
    );
    liuCode = (
      await t.http
        .post(`/api/codes/welders/${ids.liu}/reissue`)
        .set(await t.auth('hengda.admin'))
        .send({ reason: '补发' })
    ).body.code;
  });

  it('denies certificates: expired (陈静), review overdue, none at all (孙磊); the attempt raises UNLICENSED_ATTEMPT', async () => {
    const row = await expectDenied(
      device.armBody({ kind: 'welder_code', code: await activeCode(t, ids.chen) }, { permitId: permit }),
      ReasonCode.CERTIFICATE_EXPIRED,
    );
    expect(row.welder_id).toBe(ids.chen);
    await t.ds.query(`UPDATE certificates SET review_due_on = '2025-12-01' WHERE welder_id = $1`, [ids.liu]);
    try {
      await expectDenied(
        device.armBody({ kind: 'welder_code', code: liuCode }, { permitId: permit }),
        ReasonCode.CERTIFICATE_REVIEW_OVERDUE,
      );
    } finally {
      await t.ds.query(`UPDATE certificates SET review_due_on = expires_on WHERE welder_id = $1`, [ids.liu]);
    }
    await expectDenied(
      device.armBody({ kind: 'welder_code', code: await activeCode(t, ids.sun) }, { permitId: permit }),
      ReasonCode.CERTIFICATE_MISSING,
    );
    const alert = await waitUntil(
      async () =>
        (await t.ds.query(`SELECT * FROM alerts WHERE type = 'UNLICENSED_ATTEMPT' AND welder_id = $1`, [ids.chen]))[0],
      5000,
      'UNLICENSED_ATTEMPT',
    );
    expect(alert).toMatchObject({ machine_id: ids.steelMachine1, enterprise_id: ids.steel, chip_id: device.chip.chip });
    expect(alert.evidence).toMatchObject({ reason: 'CERTIFICATE_EXPIRED', welderName: '陈*' });
  });

  it('denies a suspended, a retired and a not yet active machine, and a suspended enterprise', async () => {
    const status = async (user: string, body: object) =>
      t.http
        .post(`/api/machines/${ids.steelMachine1}/status`)
        .set(await t.auth(user))
        .send(body);
    expect((await status('huiting.regulator', { status: 'suspended', reason: '检查发现漏电' })).status).toBe(200);
    await expectDenied(device.armBody(zhang(), { permitId: permit }), ReasonCode.MACHINE_SUSPENDED);
    expect((await status('huiting.regulator', { status: 'active' })).status).toBe(200);
    // Retiring through the API also unbinds the chip; the state "retired but still bound" is forced here.
    for (const [s, reason] of [
      ['retired', ReasonCode.MACHINE_RETIRED],
      ['registered', ReasonCode.MACHINE_NOT_ACTIVE],
    ] as const) {
      await t.ds.query(
        `UPDATE machines SET status = $2::varchar, retired_at = CASE WHEN $2::varchar = 'retired' THEN now() END WHERE id = $1`,
        [ids.steelMachine1, s],
      );
      try {
        await expectDenied(device.armBody(zhang(), { permitId: permit }), reason);
      } finally {
        await t.ds.query(`UPDATE machines SET status = 'active', retired_at = NULL WHERE id = $1`, [ids.steelMachine1]);
      }
    }
    await t.ds.query(`UPDATE enterprises SET status = 'suspended' WHERE id = $1`, [ids.steel]);
    try {
      await expectDenied(device.armBody(zhang(), { permitId: permit }), ReasonCode.ENTERPRISE_INACTIVE);
    } finally {
      await t.ds.query(`UPDATE enterprises SET status = 'active' WHERE id = $1`, [ids.steel]);
    }
    await expectDenied(
      device.armBody(zhang(), { permitId: permit, machineKind: 'gas' }),
      ReasonCode.MACHINE_KIND_MISMATCH,
    );
  });

  it('denies permits not approved, cancelled, expired, not yet started, and a request without any permit', async () => {
    const draft = await draftPermit(t, ids);
    await expectDenied(device.armBody(zhang(), { permitId: draft }), ReasonCode.PERMIT_NOT_APPROVED);
    const cancelled = await approvedPermit(t, clock, ids);
    expect(
      (
        await t.http
          .post(`/api/permits/${cancelled}/cancel`)
          .set(await t.auth('hengda.admin'))
          .send({ reason: '工序调整' })
      ).status,
    ).toBe(200);
    await expectDenied(device.armBody(zhang(), { permitId: cancelled }), ReasonCode.PERMIT_CANCELLED);
    clock.set(cst(5, '08:30'));
    await expectDenied(device.armBody(zhang(), { permitId: permit }), ReasonCode.PERMIT_NOT_STARTED);
    clock.set(cst(5, '17:00'));
    await expectDenied(device.armBody(zhang(), { permitId: permit }), ReasonCode.PERMIT_EXPIRED);
    // No permit named and none in force naming both.
    await expectDenied(device.armBody(zhang()), ReasonCode.PERMIT_REQUIRED);
  });

  it('denies positions outside the geofence (beyond the GPS tolerance), missing or stale', async () => {
    // ~0.001° latitude ≈ 111 m: outside a 50 m fence even with the 30 m tolerance.
    await expectDenied(
      device.armBody(zhang(), { permitId: permit, position: fix(clock, { lat: 34.1731 }) }),
      ReasonCode.OUTSIDE_GEOFENCE,
    );
    // ~70 m from the centre: outside the 50 m circle but inside the tolerance.
    const edge = await device.arm(
      device.armBody(zhang(), { permitId: permit, position: fix(clock, { lat: 34.17273 }) }),
    );
    expect(edge.answer.type).toBe('arm.grant');
    await expectDenied(device.armBody(zhang(), { permitId: permit, position: null }), ReasonCode.POSITION_REQUIRED);
    await expectDenied(
      device.armBody(zhang(), {
        permitId: permit,
        position: fix(clock, { fixAt: new Date(clock.now().getTime() - 10 * 60_000).toISOString() }),
      }),
      ReasonCode.POSITION_STALE,
    );
  });

  it('denies when the gas analysis is older than 30 minutes (二级, before the first arc)', async () => {
    clock.set(cst(5, '09:21'));
    await expectDenied(device.armBody(zhang(), { permitId: permit }), ReasonCode.GAS_ANALYSIS_STALE);
  });

  it('denies while a regulator blackout is in force for the region', async () => {
    const declared = await t.http
      .post('/api/blackouts')
      .set(await t.auth('huiting.regulator'))
      .send({
        regionCode: '411426100',
        kind: 'high_wind',
        startsAt: cst(5, '08:30'),
        endsAt: cst(5, '12:00'),
        reason: '大风蓝色预警，停止露天动火',
      });
    expect(declared.status).toBe(201);
    try {
      await expectDenied(device.armBody(zhang(), { permitId: permit }), ReasonCode.BLACKOUT_IN_FORCE);
    } finally {
      await t.http
        .post(`/api/blackouts/${declared.body.id}/cancel`)
        .set(await t.auth('huiting.regulator'))
        .send({ reason: '预警解除' });
    }
    expect((await device.arm(device.armBody(zhang(), { permitId: permit }))).answer.type).toBe('arm.grant');
  });

  describe('requests the gateway hands over directly', () => {
    let handler: ArmRequestHandler;
    beforeAll(() => {
      handler = t.app.get<ArmRequestHandler>(ARM_REQUEST_HANDLER, { strict: false });
    });
    const message = (
      chip: { chip: string; privateKey: KeyObject },
      machineId: string,
      body: ArmRequestBody,
      ts = clock.now(),
    ): VerifiedDeviceMessage<ArmRequestBody> => ({
      chipId: chip.chip,
      machineId,
      receivedAt: clock.now(),
      envelope: signEnvelope(
        chip.privateKey,
        createEnvelope('arm.request', { chip: chip.chip, body, seq: 1 }, ts) as Envelope,
      ) as VerifiedDeviceMessage<ArmRequestBody>['envelope'],
    });
    const answerTo = (requestId: string) =>
      waitUntil(
        async () => observer.received.find((r) => r.message.body?.requestId === requestId)?.message,
        5000,
        `answer to ${requestId}`,
      );

    it('REQUEST_EXPIRED: a request stamped beyond the clock skew', async () => {
      const msg = message(
        device.chip,
        ids.steelMachine1,
        device.armBody(zhang(), { permitId: permit }),
        new Date(clock.now().getTime() - 3 * 60_000),
      );
      await handler.handleArmRequest(msg);
      expect((await answerTo(msg.envelope.id)).body).toMatchObject({ reason: 'REQUEST_EXPIRED', retryAfterS: 5 });
      expect(await stored(msg.envelope.id)).toMatchObject({
        allowed: false,
        reason: 'REQUEST_EXPIRED',
        machine_id: ids.steelMachine1,
      });
    });

    it('CHIP_UNKNOWN and CHIP_NOT_BOUND: an unregistered chip, and a chip no longer bound to the machine it claims', async () => {
      const stranger = generateChipKeyPair();
      const unknown = message(stranger, ids.steelMachine1, device.armBody(zhang(), { permitId: permit }));
      await handler.handleArmRequest(unknown);
      const a = await answerTo(unknown.envelope.id);
      expect(a).toMatchObject({ type: 'arm.denied', chip: stranger.chip, body: { reason: 'CHIP_UNKNOWN' } });
      expect(await stored(unknown.envelope.id)).toMatchObject({
        allowed: false,
        reason: 'CHIP_UNKNOWN',
        chip_id: stranger.chip,
        machine_id: null,
        enterprise_id: null,
      });

      const moved = message(device.chip, ids.steelMachine2, device.armBody(zhang(), { permitId: permit }));
      await handler.handleArmRequest(moved);
      expect((await answerTo(moved.envelope.id)).body).toMatchObject({ reason: 'CHIP_NOT_BOUND' });
      // Not attributed to the machine it claims: that machine's enterprise never sees it.
      expect(await stored(moved.envelope.id)).toMatchObject({
        allowed: false,
        reason: 'CHIP_NOT_BOUND',
        machine_id: null,
        enterprise_id: null,
      });
    });
  });

  it('raises REPEATED_DENIALS after five denials for the machine within ten minutes', async () => {
    for (let i = 0; i < 5; i++)
      await expectDenied(device.armBody(zhang(), { permitId: permit, position: null }), ReasonCode.POSITION_REQUIRED);
    const alert = await waitUntil(
      async () =>
        (
          await t.ds.query(`SELECT * FROM alerts WHERE type = 'REPEATED_DENIALS' AND machine_id = $1`, [
            ids.steelMachine1,
          ])
        )[0],
      5000,
      'REPEATED_DENIALS',
    );
    expect(alert.evidence.denials).toBeGreaterThanOrEqual(5);
    expect(alert.enterprise_id).toBe(ids.steel);
  });

  it("lists decisions and grants within the caller's scope", async () => {
    const list = async (user: string, q = '') => t.http.get(`/api/decisions${q}`).set(await t.auth(user));
    const regulator = await list('huiting.regulator', `?machineId=${ids.steelMachine1}&allowed=false&pageSize=200`);
    expect(regulator.status).toBe(200);
    expect(regulator.body.total).toBeGreaterThan(10);
    expect(
      regulator.body.items.every(
        (d: { allowed: boolean; machineId: string }) => !d.allowed && d.machineId === ids.steelMachine1,
      ),
    ).toBe(true);
    expect(regulator.body.items[0]).toMatchObject({ message: { 'zh-CN': expect.any(String), en: expect.any(String) } });
    // The unregistered chip's decision has no enterprise: only platform admins see it.
    expect((await list('admin', '?reason=CHIP_UNKNOWN')).body.total).toBe(1);
    expect((await list('xiayi.regulator', '?reason=CHIP_UNKNOWN')).body.total).toBe(0);
    expect((await list('hengda.admin', '?reason=CHIP_UNKNOWN')).body.total).toBe(0);
    const own = await list('welder.zhang', '?pageSize=200');
    expect(own.body.total).toBeGreaterThan(0);
    expect(own.body.items.every((d: { welderId: string }) => d.welderId === ids.zhang)).toBe(true);
    // Timelines say who: the welder's name comes with the id.
    expect(own.body.items.every((d: { welderName: string }) => d.welderName === '张伟')).toBe(true);
    expect(
      (
        await list(
          'hengda.admin',
          `?reason=OK&from=${encodeURIComponent(cst(5, '00:00'))}&to=${encodeURIComponent(cst(6, '00:00'))}`,
        )
      ).body.total,
    ).toBeGreaterThan(0);
    const bad = await list('admin', '?allowed=maybe&reason=NOPE&from=yesterday&machineId=1&x=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`)).toEqual(
      expect.arrayContaining([
        'allowed:isBoolean',
        'reason:isEnum',
        'from:isInstant',
        'machineId:isUuid',
        'x:unknownField',
      ]),
    );

    const grants = await t.http.get(`/api/grants?machineId=${ids.steelMachine1}`).set(await t.auth('hengda.admin'));
    expect(grants.status).toBe(200);
    expect(grants.body.total).toBeGreaterThan(0);
    expect(grants.body.items[0]).toMatchObject({
      machineId: ids.steelMachine1,
      welderId: ids.zhang,
      welderName: '张伟',
      permitId: permit,
      status: expect.stringMatching(/^(active|expired|revoked)$/),
    });
    expect(
      (await t.http.get(`/api/grants?machineId=${ids.steelMachine1}`).set(await t.auth('welder.zhang'))).body.total,
    ).toBe(grants.body.total);
  });

  it('pages decisions and grants by cursor: the rows of one big page, each once, within the scope on every page', async () => {
    const walk = async (user: string, path: string, key: string) => {
      const auth = await t.auth(user);
      const whole = await t.http.get(`${path}?pageSize=200`).set(auth);
      expect(whole.body.nextCursor).toBeNull();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await t.http.get(`${path}?pageSize=3${cursor ? `&cursor=${cursor}` : ''}`).set(auth);
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((r: Record<string, string>) => r[key]));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(whole.body.items.map((r: Record<string, string>) => r[key]));
      expect(new Set(seen).size).toBe(seen.length);
      return whole.body.items as { machineId: string | null }[];
    };
    for (const user of ['admin', 'huiting.regulator', 'hengda.admin', 'welder.zhang']) {
      const decisions = await walk(user, '/api/decisions', 'id');
      expect(decisions.length).toBeGreaterThan(3);
      if (user === 'hengda.admin') expect(new Set(decisions.map((d) => d.machineId))).not.toContain(null);
      await walk(user, '/api/grants', 'grantId');
    }
    for (const path of ['/api/decisions', '/api/grants']) {
      for (const cursor of [
        encodeCursor({ at: 'x', id: 'y' }),
        encodeCursor({ at: '2026-01-05T00:00:00.000000Z', id: 'not-a-uuid' }),
      ]) {
        const bad = await t.http.get(`${path}?cursor=${cursor}`).set(await t.auth('admin'));
        expect(bad.status).toBe(400);
        expect(bad.body.error.fields).toEqual([expect.objectContaining({ field: 'cursor', code: 'isCursor' })]);
      }
    }
  });
});
