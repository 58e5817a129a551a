import { ReasonCode } from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { RevocationService } from '../authorization/revocation.service';
import {
  activeCode,
  approvedPermit,
  at9,
  bindNewChip,
  FakeDevice,
  waitUntil,
} from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { DeviceGateway } from '../devices/device-gateway';
import { cst, DemoIds, demoIds, permitBody } from './testing/permit-fixtures';

/** Far below the revocation sweep, which this test pushes out to an hour: only the trigger path can act. */
const PROMPT_MS = 1_500;

/**
 * Issue 14 §4: a failing gas reading on a running permit suspends it at once — the device's live
 * grant is revoked over MQTT, arming is refused, an alert is raised, the permit shows suspended —
 * and a passing re-test taken after it lifts the suspension. Real PostgreSQL and Mosquitto.
 */
describe('permit suspension by a failing gas analysis', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let device: FakeDevice;
  let zhangCode: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    t.app.get(RevocationService).setSweepInterval(3_600_000);
    ids = await demoIds(t.ds);
    await t.app.get(DeviceGateway).ready();
    clock.set(at9());
    device = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine1)).connect();
    zhangCode = await activeCode(t, ids.zhang);
  });
  afterAll(async () => {
    await device?.close();
    await t?.close();
  });

  const send = async (user: string, url: string, body?: object) => {
    const req = body === undefined ? t.http.get(url) : t.http.post(url).send(body);
    return req.set(await t.auth(user));
  };
  const arm = (permitId: string) => device.arm(device.armBody({ kind: 'welder_code', code: zhangCode }, { permitId }));
  const reading = (takenAt: string, readingPercentVol: number) => ({
    takenAt,
    gasCode: 'methane',
    readingPercentVol,
    analyst: '李分析',
  });

  it('revokes the live grant at once, refuses arming, raises an alert and shows the permit suspended until a passing re-test', async () => {
    const permitId = await approvedPermit(t, clock, ids);
    const granted = await arm(permitId);
    expect(granted.answer).toMatchObject({ type: 'arm.grant' });
    const grantId = granted.answer.body.grantId as string;

    clock.set(cst(5, '09:10'));
    const from = device.received.length;
    const failing = await send('hengda.admin', `/api/permits/${permitId}/gas-analyses`, reading(cst(5, '09:08'), 0.8));
    expect(failing.status).toBe(201);
    expect(failing.body.passed).toBe(false);
    const committedAt = Date.now();
    const revoke = await device.next(
      (topic, m) => topic.endsWith('/down/grant.revoke') && m.body.grantId === grantId,
      PROMPT_MS,
      from,
    );
    expect(Date.now() - committedAt).toBeLessThan(PROMPT_MS);
    expect(revoke.body).toMatchObject({ grantId, reason: ReasonCode.GAS_ANALYSIS_FAILED });
    await waitUntil(
      async () =>
        (await t.ds.query('SELECT revoke_reason FROM grants WHERE grant_id = $1', [grantId]))[0].revoke_reason,
      3000,
      'revoke_reason',
    );

    const detail = await send('hengda.admin', `/api/permits/${permitId}`);
    expect(detail.body).toMatchObject({
      status: 'suspended',
      suspendedAt: expect.any(String),
      gasReadiness: { verdictNow: 'GAS_ANALYSIS_FAILED' },
    });
    expect(detail.body.trail.map((e: { action: string }) => e.action)).toContain('suspended');
    const listed = await t.http
      .get('/api/permits')
      .query({ status: 'suspended' })
      .set(await t.auth('hengda.admin'));
    expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(permitId);

    const alerts = await t.ds.query(`SELECT type, severity, evidence FROM alerts WHERE permit_id = $1`, [permitId]);
    expect(alerts).toEqual([
      expect.objectContaining({
        type: 'PERMIT_GAS_FAILED',
        severity: 'critical',
        evidence: expect.objectContaining({ readingPercentVol: 0.8, passMarkPercentVol: 0.5 }),
      }),
    ]);
    const audit = await t.ds.query(`SELECT action FROM audit_log WHERE entity_id = $1 AND action = 'permit.suspend'`, [
      permitId,
    ]);
    expect(audit).toHaveLength(1);

    // Arming is refused — also after a passing reading that is older than the failing one (entered late).
    expect((await arm(permitId)).answer).toMatchObject({
      type: 'arm.denied',
      body: { reason: ReasonCode.GAS_ANALYSIS_FAILED },
    });
    await send('hengda.admin', `/api/permits/${permitId}/gas-analyses`, reading(cst(5, '09:05'), 0.1));
    expect((await send('hengda.admin', `/api/permits/${permitId}`)).body.status).toBe('suspended');
    expect((await arm(permitId)).answer).toMatchObject({
      type: 'arm.denied',
      body: { reason: ReasonCode.GAS_ANALYSIS_FAILED },
    });
    // Extending a suspended permit is not possible; closing or re-testing is.
    const extend = await send('hengda.admin', `/api/permits/${permitId}/extend`, {
      newEnd: cst(5, '18:00'),
      reason: '赶工',
    });
    expect(extend.status).toBe(409);

    // A passing re-test after the failing reading lifts it; arming works again.
    clock.set(cst(5, '09:30'));
    const retest = await send('hengda.admin', `/api/permits/${permitId}/gas-analyses`, reading(cst(5, '09:28'), 0.1));
    expect(retest.status).toBe(201);
    const resumed = await send('hengda.admin', `/api/permits/${permitId}`);
    expect(resumed.body).toMatchObject({ status: 'active', suspendedAt: null });
    expect(resumed.body.trail.map((e: { action: string }) => e.action)).toContain('resumed');
    expect((await arm(permitId)).answer).toMatchObject({ type: 'arm.grant' });
  });

  it('a failing reading before approval does not suspend: it decides arming through the gas verdict only', async () => {
    clock.set(cst(5, '08:00'));
    const draft = await t.http
      .post('/api/permits')
      .set(await t.auth('hengda.admin'))
      .send(permitBody(ids));
    expect(draft.status).toBe(201);
    clock.set(cst(5, '08:10'));
    const res = await send('hengda.admin', `/api/permits/${draft.body.id}/gas-analyses`, reading(cst(5, '08:05'), 0.9));
    expect(res.status).toBe(201);
    const detail = await send('hengda.admin', `/api/permits/${draft.body.id}`);
    expect(detail.body).toMatchObject({ status: 'draft', suspendedAt: null });
    expect(await t.ds.query(`SELECT 1 FROM alerts WHERE permit_id = $1`, [draft.body.id])).toHaveLength(0);
  });
});
