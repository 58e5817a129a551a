import { randomUUID } from 'node:crypto';
import { Envelope, verifyEnvelope } from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { DeviceGateway } from '../devices/device-gateway';
import { cst, DemoIds, demoIds, STEEL_SITE } from '../permits/testing/permit-fixtures';
import { CLAIM_IN_FLIGHT_MAX_MS } from './authorization.service';
import { DecisionRecovery } from './decision-recovery';
import { activeCode, approvedPermit, at9, bindNewChip, FakeDevice } from './testing/arm-test-kit';

/**
 * No decision lost (issue 18): a crash between the nonce claim and the decision's store leaves a claim
 * without a decision. Simulated by writing exactly that claim (what decision.after-claim leaves behind
 * after SIGKILL), then the device's retry of the identical envelope over the real broker.
 */
describe('arm decisions across a crash', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let permit: string;
  let device: FakeDevice;
  let zhangCode: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    await t.app.get(DeviceGateway).ready();
    permit = await approvedPermit(t, clock, ids);
    device = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine1)).connect();
    zhangCode = await activeCode(t, ids.zhang);
  });
  afterAll(async () => {
    await device?.close();
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));

  const request = () =>
    device.signed('arm.request', device.armBody({ kind: 'welder_code', code: zhangCode }, { permitId: permit }));
  /** What the crashed process left: the claim of `env`, naming a decision that was never stored. */
  const crashedClaim = async (env: Envelope, claimedAt: Date) => {
    const lostDecision = randomUUID();
    await t.ds.query(
      `INSERT INTO arm_nonces (chip_id, nonce, request_id, decision_id, seen_at) VALUES ($1, $2, $3, $4, $5)`,
      [device.chip.chip, (env.body as { nonce: string }).nonce, env.id, lostDecision, claimedAt],
    );
    return lostDecision;
  };
  const claimOf = async (env: Envelope) =>
    (
      await t.ds.query(`SELECT * FROM arm_nonces WHERE chip_id = $1 AND request_id = $2`, [device.chip.chip, env.id])
    )[0];
  const decisionsOf = (env: Envelope) =>
    t.ds.query(`SELECT * FROM decisions WHERE request_id = $1 ORDER BY at`, [env.id]);
  const publish = (env: Envelope) =>
    device.client.publishAsync(`${device.root}/d/${device.chip.chip}/up/arm.request`, JSON.stringify(env), { qos: 1 });
  const answerTo = (env: Envelope, from: number, timeoutMs = 8000) =>
    device.next((topic, m) => /\/arm\.(grant|denied)$/.test(topic) && m.body.requestId === env.id, timeoutMs, from);

  it('after a restart, the retry of a request whose claim has no decision gets a fresh decision (a grant), stored under the claim', async () => {
    const env = request();
    const lost = await crashedClaim(env, clock.now());
    // The server comes back 3 s later; start-up recovery marks the claim orphaned.
    clock.advance(3_000);
    expect(await t.app.get(DecisionRecovery).recover()).toEqual({ orphaned: 1, completed: 0 });
    expect((await claimOf(env)).orphaned_at).not.toBeNull();

    const from = device.received.length;
    await publish(env);
    const answer = await answerTo(env, from);
    expect(answer.type).toBe('arm.grant');
    expect(verifyEnvelope(t.config.secrets.deviceSigningKey, answer)).toBe(true);
    const [decision] = await decisionsOf(env);
    expect(decision).toMatchObject({ allowed: true, reason: 'OK', grant_id: answer.body.grantId });
    const claim = await claimOf(env);
    expect(claim.decision_id).toBe(decision.id);
    expect(claim.decision_id).not.toBe(lost);
    expect(claim.orphaned_at).toBeNull();
    expect(claim.recovered_at).not.toBeNull();

    // The next retry is a plain repeat: the same grant, nothing new stored.
    const again = device.received.length;
    await publish(env);
    expect((await answerTo(env, again)).body.grantId).toBe(answer.body.grantId);
    expect(await decisionsOf(env)).toHaveLength(1);
  });

  it('a claim still being decided is not taken over; one older than any decision takes is, even without recovery', async () => {
    const env = request();
    await crashedClaim(env, clock.now());
    const from = device.received.length;
    await publish(env);
    // Young claim: its first attempt may still be answering, so the retry stays silent.
    await expect(answerTo(env, from, 1500)).rejects.toThrow(/timed out/);
    expect(await decisionsOf(env)).toHaveLength(0);

    clock.advance(CLAIM_IN_FLIGHT_MAX_MS + 500);
    const later = device.received.length;
    await publish(env);
    const answer = await answerTo(env, later);
    expect(answer.type).toBe('arm.grant');
    expect(await decisionsOf(env)).toHaveLength(1);
  });

  it('a retry after the decision was stored (crash before the answer went out) gets the same grant, re-signed', async () => {
    const first = await device.arm(request());
    expect(first.answer.type).toBe('arm.grant');
    // decision.after-store: stored, then the process died; after the restart the device retries.
    clock.advance(4_000);
    await t.app.get(DecisionRecovery).recover();
    const from = device.received.length;
    await publish(first.request);
    const again = await answerTo(first.request, from);
    expect(again.type).toBe('arm.grant');
    expect(again.body.grantId).toBe(first.answer.body.grantId);
    expect(verifyEnvelope(t.config.secrets.deviceSigningKey, again)).toBe(true);
    expect(await decisionsOf(first.request)).toHaveLength(1);
  });

  it('recovery completes an orphaned claim no retry came for with a stored, audited SERVER_ERROR denial', async () => {
    const env = request();
    const lost = await crashedClaim(env, new Date(clock.now().getTime() - 10 * 60_000));
    const result = await t.app.get(DecisionRecovery).recover();
    expect(result.orphaned).toBeGreaterThanOrEqual(1);
    expect(result.completed).toBe(1);
    const [decision] = await decisionsOf(env);
    expect(decision).toMatchObject({
      id: lost,
      allowed: false,
      reason: 'SERVER_ERROR',
      chip_id: device.chip.chip,
      machine_id: ids.steelMachine1,
      enterprise_id: ids.steel,
      grant_id: null,
    });
    expect((await claimOf(env)).recovered_at).not.toBeNull();
    const [audit] = await t.ds.query(`SELECT * FROM audit_log WHERE action = 'decision.recover' AND entity_id = $1`, [
      lost,
    ]);
    expect(audit).toMatchObject({ entity_type: 'decision', enterprise_id: ids.steel });
    // Idempotent.
    expect(await t.app.get(DecisionRecovery).recover()).toEqual({ orphaned: 0, completed: 0 });
  });

  it('one grant per request: a second grant for the same chip and nonce is refused by the database', async () => {
    const first = await device.arm(request());
    const [g] = await t.ds.query(`SELECT * FROM grants WHERE grant_id = $1`, [first.answer.body.grantId]);
    await expect(
      t.ds.query(
        `INSERT INTO grants (grant_id, decision_id, source, chip_id, machine_id, enterprise_id, region_path, welder_id, permit_id, request_id, nonce, issued_at, expires_at)
       SELECT $1, $2, source, chip_id, machine_id, enterprise_id, region_path, welder_id, permit_id, request_id, nonce, issued_at, expires_at FROM grants WHERE grant_id = $3`,
        [randomUUID(), randomUUID(), g.grant_id],
      ),
    ).rejects.toThrow(/grants_one_per_request/);
  });

  it('a phone start whose device request crashed after claiming nonce and session: the retry takes both over and gets the phone grant; another request still cannot use the session', async () => {
    await device.online();
    const res = await t.http
      .post('/api/arm-sessions')
      .set(await t.auth('welder.zhang'))
      .send({
        machineCode: `https://arcgate.test/q/${await activeCode(t, ids.steelMachine1)}`,
        permitId: permit,
        position: { lat: STEEL_SITE.lat, lng: STEEL_SITE.lng, accuracyM: 8 },
      });
    expect(res.body).toMatchObject({ allowed: true, delivered: true });
    const sessionId = res.body.sessionId as string;
    await device.next((topic, m) => topic.endsWith('/down/grant.push') && m.body.sessionId === sessionId);
    const env = device.signed('arm.request', device.armBody({ kind: 'phone_session', sessionId }));
    // The crashed attempt had claimed the nonce and the session, and stored nothing.
    await crashedClaim(env, clock.now());
    await t.ds.query(`UPDATE arm_sessions SET used_at = $2, used_request_id = $3 WHERE id = $1`, [
      sessionId,
      clock.now(),
      env.id,
    ]);
    clock.advance(3_000);
    await t.app.get(DecisionRecovery).recover();

    const from = device.received.length;
    await publish(env);
    const answer = await answerTo(env, from);
    expect(answer.type).toBe('arm.grant');
    expect(answer.body.grantId).toBe(res.body.grant.grantId);
    const other = await device.arm(device.armBody({ kind: 'phone_session', sessionId }));
    expect(other.answer.body).toMatchObject({ reason: 'PHONE_SESSION_UNKNOWN' });
  });
});
