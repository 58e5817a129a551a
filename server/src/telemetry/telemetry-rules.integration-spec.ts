import {
  ArcStopEvent,
  createEnvelope,
  DeviceEvent,
  Envelope,
  ReasonCode,
  signEnvelope,
  upTopic,
} from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertType } from '../alerts/alert-type';
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
import { cst, DemoIds, demoIds, STEEL_SITE } from '../permits/testing/permit-fixtures';

/** An event before the device numbers it (distributes over the union, unlike a plain Omit). */
type Unnumbered<E = DeviceEvent> = E extends DeviceEvent ? Omit<E, 'seq'> : never;

/** Metres → degrees of latitude (north of the site). */
const north = (m: number) => ({ lat: STEEL_SITE.lat + m / 111_195, lng: STEEL_SITE.lng });

/**
 * The telemetry violation rules end to end: a fake device signing with the protocol library on the
 * real broker, a real grant from the authorization engine for a real approved permit (circle of
 * 50 m around the 恒达 site, 09:00–17:00 on 5 January 2026), alerts read back from PostgreSQL.
 */
describe('telemetry violation rules, end to end', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let device: FakeDevice;
  let zhangCode: string;
  let eventSeq = 0;

  beforeAll(async () => {
    t = await createTestApp({ clock });
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
  beforeEach(async () => {
    clock.set(at9());
    // Each test starts with no live grant on the machine, so "the grant in force" is the test's own.
    await t.app.get(RevocationService).revokeWhere({ machineId: ids.steelMachine1 }, ReasonCode.REGULATOR_ORDER);
  });

  const chip = () => device.chip.chip;
  const at = (hhmm: string, s = 0) => new Date(Date.parse(cst(5, hhmm)) + s * 1000).toISOString();

  /** An approved permit through the API and a grant for it through a signed arm.request. */
  async function armed(permitOver: Record<string, unknown> = {}): Promise<{ permitId: string; grantId: string }> {
    const permitId = await approvedPermit(t, clock, ids, permitOver);
    const { answer } = await device.arm(device.armBody({ kind: 'welder_code', code: zhangCode }, { permitId }));
    expect(answer).toMatchObject({ type: 'arm.grant' });
    return { permitId, grantId: answer.body.grantId as string };
  }

  /** Numbers the events (contiguous per chip), signs them as one events message and waits for its ack. */
  async function report(...events: Unnumbered[]): Promise<number[]> {
    const numbered = events.map((e) => ({ ...e, seq: ++eventSeq }));
    const env = signEnvelope(
      device.chip.privateKey,
      createEnvelope(
        'events',
        { chip: chip(), seq: device.nextSeq(), body: { events: numbered } },
        clock.now(),
      ) as Envelope,
    );
    await device.client.publishAsync(upTopic(t.config.mqtt.topicRoot, chip(), 'events'), JSON.stringify(env), {
      qos: 1,
    });
    const ack = await device.next((topic, m) => topic.endsWith('/down/events.ack') && m.body.requestId === env.id);
    expect(ack.body.upToSeq).toBe(eventSeq);
    return numbered.map((e) => e.seq);
  }

  const arcStop = (from: string, to: string, grantId?: string): Omit<ArcStopEvent, 'seq'> => ({
    type: 'arc.stop',
    at: to,
    startedAt: from,
    endedAt: to,
    durationMs: Date.parse(to) - Date.parse(from),
    ...(grantId ? { grantId } : {}),
    current: { min: 90, max: 140, mean: 120, p95: 135 },
    voltage: { min: 20, max: 26, mean: 23, p95: 25 },
    samples: 600,
    sampleRateHz: 10,
  });
  const heartbeat = (when: string, position: { lat: number; lng: number }, relayClosed = true) =>
    ({
      type: 'heartbeat',
      at: when,
      position: { ...position, accuracyM: 5, fixAt: when },
      relayClosed,
      state: relayClosed ? 'arcing' : 'locked',
    }) as const;

  const alertsOf = (type: AlertType) =>
    t.ds.query('SELECT * FROM alerts WHERE type = $1 AND chip_id = $2', [type, chip()]);
  const alertOf = (type: AlertType, timeoutMs = 5000) =>
    waitUntil(async () => (await alertsOf(type))[0], timeoutMs, type);
  const arcRow = (stopSeq: number) =>
    waitUntil(
      async () =>
        (
          await t.ds.query('SELECT * FROM arcs WHERE chip_id = $1 AND stop_seq = $2 AND authorized IS NOT NULL', [
            chip(),
            stopSeq,
          ])
        )[0],
      5000,
      `arc ${stopSeq}`,
    );

  // First, while the chip has no alerts at all.
  it("a normal granted arc raises nothing and moves the permit's arc activity", async () => {
    const { permitId, grantId } = await armed();
    const before = (await t.ds.query('SELECT first_arc_at FROM permits WHERE id = $1', [permitId]))[0];
    expect(before.first_arc_at).toBeNull();
    clock.set(cst(5, '09:05'));
    const [, , , , stopSeq] = await report(
      { type: 'relay.change', at: at('09:00', 5), closed: true, trigger: 'grant_verified', grantId },
      { type: 'arc.start', at: at('09:01'), grantId },
      heartbeat(at('09:01', 30), north(20)),
      { type: 'gas.reading', at: at('09:02'), percentLel: 5, limitPercentLel: 20 },
      arcStop(at('09:01'), at('09:04'), grantId),
    );
    const arc = await arcRow(stopSeq);
    expect(arc).toMatchObject({ authorized: true, welder_id: ids.zhang, permit_id: permitId, flags: [] });
    const permit = await waitUntil(
      async () =>
        (await t.ds.query('SELECT * FROM permits WHERE id = $1 AND last_arc_ended_at IS NOT NULL', [permitId]))[0],
      5000,
      'arc activity',
    );
    expect(permit.first_arc_at.toISOString()).toBe(at('09:01'));
    expect(permit.last_arc_started_at.toISOString()).toBe(at('09:01'));
    expect(permit.last_arc_ended_at.toISOString()).toBe(at('09:04'));
    // The arc.stop was the batch's last event, so every rule for the batch has run by now.
    expect(await t.ds.query('SELECT type FROM alerts WHERE chip_id = $1', [chip()])).toEqual([]);
  });

  it('ARC_OUTSIDE_GEOFENCE: a heartbeat while armed beyond fence + GPS tolerance (not one within it)', async () => {
    const { permitId } = await armed();
    clock.set(cst(5, '09:10'));
    // 70 m from the centre of a 50 m fence is 20 m out: inside the 30 m tolerance. 200 m is not.
    const [inside, outside] = await report(heartbeat(at('09:05'), north(70)), heartbeat(at('09:06'), north(200)));
    const alert = await alertOf(AlertType.ARC_OUTSIDE_GEOFENCE);
    expect(alert).toMatchObject({
      severity: 'critical',
      permit_id: permitId,
      welder_id: ids.zhang,
      machine_id: ids.steelMachine1,
      enterprise_id: ids.steel,
    });
    expect(alert.evidence).toMatchObject({ seq: outside, type: 'heartbeat' });
    expect(alert.evidence.outsideByM).toBeGreaterThanOrEqual(145);
    expect(alert.evidence.outsideByM).toBeLessThanOrEqual(155);
    expect(alert.evidence.seq).not.toBe(inside);
    // An unarmed device carried off site is not an arc outside the fence.
    await report(heartbeat(at('09:07'), north(500), false));
    await new Promise((r) => setTimeout(r, 500));
    expect(await alertsOf(AlertType.ARC_OUTSIDE_GEOFENCE)).toHaveLength(1);
  });

  it("ARC_OUTSIDE_GEOFENCE judges a heartbeat by the fence of the chip's newest grant (the one the device holds)", async () => {
    await armed();
    // A second permit for a site 300 m north, ending earlier; the device arms for it there.
    const site = north(300);
    const permitId = await approvedPermit(t, clock, ids, {
      plannedEnd: cst(5, '12:00'),
      site: {
        address: '会亭镇工业园区纬一路8号 北区堆场',
        point: site,
        geofence: { type: 'circle', center: site, radiusM: 50 },
      },
    });
    clock.set(cst(5, '09:01'));
    const { answer } = await device.arm(
      device.armBody(
        { kind: 'welder_code', code: zhangCode },
        { permitId, position: { ...site, accuracyM: 5, fixAt: clock.now().toISOString() } },
      ),
    );
    expect(answer).toMatchObject({ type: 'arm.grant' });
    clock.set(cst(5, '09:10'));
    // Armed under the second permit but back at the first site: outside the fence that applies.
    const [seq] = await report(heartbeat(at('09:05'), north(0)));
    const alert = await waitUntil(
      async () =>
        (await alertsOf(AlertType.ARC_OUTSIDE_GEOFENCE)).find((a: { permit_id: string }) => a.permit_id === permitId),
      5000,
      'geofence alert',
    );
    expect(alert.evidence).toMatchObject({ seq, type: 'heartbeat' });
    expect(alert.evidence.outsideByM).toBeGreaterThanOrEqual(245);
  });

  it('ARC_AFTER_PERMIT_END: an arc started under the grant that stops after the permit ended', async () => {
    const { permitId, grantId } = await armed({ plannedEnd: cst(5, '09:30') });
    clock.set(cst(5, '09:41'));
    const [, stopSeq] = await report(
      { type: 'arc.start', at: at('09:20'), grantId },
      arcStop(at('09:20'), at('09:40'), grantId),
    );
    const alert = await alertOf(AlertType.ARC_AFTER_PERMIT_END);
    expect(alert).toMatchObject({
      severity: 'critical',
      permit_id: permitId,
      welder_id: ids.zhang,
      machine_id: ids.steelMachine1,
    });
    expect(alert.evidence).toMatchObject({
      seq: stopSeq,
      type: 'arc.stop',
      permitEndedAt: new Date(cst(5, '09:30')).toISOString(),
    });
    expect(await arcRow(stopSeq)).toMatchObject({ authorized: true, permit_id: permitId, flags: ['after_permit_end'] });
    expect(await alertsOf(AlertType.ARC_WITHOUT_GRANT)).toHaveLength(0);
  });

  it('GAS_ABOVE_LIMIT: a gas reading above its limit (not one below it)', async () => {
    const [, above] = await report(
      { type: 'gas.reading', at: at('09:02'), percentLel: 12, limitPercentLel: 20 },
      { type: 'gas.reading', at: at('09:03'), percentLel: 25, limitPercentLel: 20 },
    );
    const alert = await alertOf(AlertType.GAS_ABOVE_LIMIT);
    expect(alert).toMatchObject({ severity: 'critical', machine_id: ids.steelMachine1, enterprise_id: ids.steel });
    expect(alert.evidence).toMatchObject({ seq: above, event: { percentLel: 25, limitPercentLel: 20 } });
  });

  it("OVER_CURRENT: an arc cut for running past the machine's rating (not the other cut reasons)", async () => {
    const { permitId, grantId } = await armed();
    const [, , cutSeq] = await report(
      { type: 'power.cut', at: at('09:02'), reason: 'grant_expired', grantId },
      { type: 'power.cut', at: at('09:03'), reason: 'gas_over_limit', grantId },
      { type: 'power.cut', at: at('09:04'), reason: 'over_current', grantId, currentA: 468.2, limitA: 400 },
    );
    const alert = await alertOf(AlertType.OVER_CURRENT);
    expect(alert).toMatchObject({
      severity: 'critical',
      machine_id: ids.steelMachine1,
      enterprise_id: ids.steel,
      welder_id: ids.zhang,
      permit_id: permitId,
    });
    expect(alert.evidence).toMatchObject({
      seq: cutSeq,
      type: 'power.cut',
      event: { reason: 'over_current', currentA: 468.2, limitA: 400 },
    });
    expect(await alertsOf(AlertType.OVER_CURRENT)).toHaveLength(1);
  });

  it("RELAY_FAULT: the relay's auxiliary contact disagreed with the command", async () => {
    const [seq] = await report({ type: 'relay.fault', at: at('09:02'), commanded: false, feedback: true });
    const alert = await alertOf(AlertType.RELAY_FAULT);
    expect(alert).toMatchObject({ severity: 'critical', machine_id: ids.steelMachine1, enterprise_id: ids.steel });
    expect(alert.evidence).toMatchObject({ seq, type: 'relay.fault', event: { commanded: false, feedback: true } });
  });

  it('TAMPER: the enclosure opened (not closed)', async () => {
    const [, opened] = await report(
      { type: 'tamper', at: at('09:02'), switch: 'enclosure', open: false },
      { type: 'tamper', at: at('09:03'), switch: 'enclosure', open: true },
    );
    const alert = await alertOf(AlertType.TAMPER);
    expect(alert).toMatchObject({ severity: 'critical', machine_id: ids.steelMachine1, enterprise_id: ids.steel });
    expect(alert.evidence).toMatchObject({ seq: opened, event: { switch: 'enclosure', open: true } });
  });

  it('ACTIVITY_AT_INACTIVE_ENTERPRISE: an arc at a suspended enterprise', async () => {
    const { grantId } = await armed();
    const status = async (body: object) => {
      const res = await t.http
        .post(`/api/enterprises/${ids.steel}/status`)
        .set(await t.auth('huiting.regulator'))
        .send(body);
      expect(res.status).toBe(200);
    };
    await status({ status: 'suspended', reason: '未落实动火审批制度, 责令停业整顿' });
    try {
      const [seq] = await report({ type: 'arc.start', at: at('09:02'), grantId });
      const alert = await alertOf(AlertType.ACTIVITY_AT_INACTIVE_ENTERPRISE);
      expect(alert).toMatchObject({ severity: 'critical', enterprise_id: ids.steel, machine_id: ids.steelMachine1 });
      expect(alert.evidence).toMatchObject({ seq, type: 'arc.start', enterpriseStatus: 'suspended' });
    } finally {
      await status({ status: 'active' });
    }
  });

  // Last: it kills the device's connection.
  it('DEVICE_OFFLINE_DURING_PERMIT: the socket dies (last will) while an active permit names the machine', async () => {
    const { permitId } = await armed();
    await device.online();
    await waitUntil(
      async () => (await t.ds.query('SELECT 1 FROM chips WHERE chip_id = $1 AND online', [chip()])).length > 0,
      5000,
      'online',
    );
    expect(await alertsOf(AlertType.DEVICE_OFFLINE_DURING_PERMIT)).toHaveLength(0);
    device.client.stream.destroy();
    const alert = await waitUntil(
      async () =>
        (await alertsOf(AlertType.DEVICE_OFFLINE_DURING_PERMIT)).find(
          (a: { permit_id: string }) => a.permit_id === permitId,
        ),
      8000,
      'offline alert',
    );
    expect(alert).toMatchObject({ severity: 'warning', machine_id: ids.steelMachine1, enterprise_id: ids.steel });
    expect(alert.evidence).toMatchObject({ chipId: chip(), cause: 'will' });
    expect((await t.ds.query('SELECT online FROM chips WHERE chip_id = $1', [chip()]))[0].online).toBe(false);
  });
});
