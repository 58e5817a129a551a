import {
  ArcStopEvent,
  createEnvelope,
  DeviceEvent,
  Envelope,
  signEnvelope,
  statusTopic,
  upTopic,
} from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertType } from '../alerts/alert-type';
import {
  activeCode,
  approvedPermit,
  at9,
  bindNewChip,
  FakeDevice,
  waitUntil,
} from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { cst, DemoIds, demoIds } from '../permits/testing/permit-fixtures';
import { DeviceAlerts } from '../device-core/device-alerts';
import { DeviceGateway } from './device-gateway';
import { DevicePresence } from './device-presence';

type Unnumbered<E = DeviceEvent> = E extends DeviceEvent ? Omit<E, 'seq'> : never;

const ONSITE_CHECK_AFTER_S = 120;

/**
 * Issue 18 on the server, end to end: fake devices signing with the protocol library on the real
 * broker, the real database. The new event shapes (board.link, power.cut agent_crashed by the
 * hardware watchdog, interrupted arcs), offline while armed (critical, aggregated, escalated to an
 * on-site check), status faults, and the chip's state after a graceful stop and reconnect.
 */
describe('fail safe when the device software fails', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let zhangCode: string;
  let permit: string;
  const devices: FakeDevice[] = [];
  const seqs = new Map<string, { event: number }>();

  beforeAll(async () => {
    t = await createTestApp({ clock, config: { onsiteCheckAfterS: ONSITE_CHECK_AFTER_S } });
    ids = await demoIds(t.ds);
    await t.app.get(DeviceGateway).ready();
    permit = await approvedPermit(t, clock, ids);
    zhangCode = await activeCode(t, ids.zhang);
  });
  afterAll(async () => {
    for (const d of devices) await d.close();
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));
  // Each test binds a new chip to the machine and unbinds it afterwards.
  afterEach(async () => {
    for (const d of devices.splice(0)) await d.close();
    await unbind();
  });

  async function unbind(): Promise<void> {
    const res = await t.http
      .post(`/api/machines/${ids.steelMachine1}/chip/unbind`)
      .set(await t.auth('hengda.admin'))
      .send({ reason: 'chip_faulty' });
    if (res.status >= 300 && res.status !== 404) throw new Error(`unbind: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async function newDevice(): Promise<FakeDevice> {
    const d = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine1)).connect();
    devices.push(d);
    seqs.set(d.chip.chip, { event: 0 });
    return d;
  }

  const iso = (msAfterNow = 0) => new Date(clock.now().getTime() + msAfterNow).toISOString();

  /** Numbers (contiguous per chip), signs and publishes the events; waits for their ack. */
  async function report(d: FakeDevice, ...events: Unnumbered[]): Promise<number[]> {
    const s = seqs.get(d.chip.chip)!;
    const numbered = events.map((e) => ({ ...e, seq: ++s.event }));
    const env = signEnvelope(
      d.chip.privateKey,
      createEnvelope(
        'events',
        { chip: d.chip.chip, seq: d.nextSeq(), body: { events: numbered } },
        clock.now(),
      ) as Envelope,
    );
    await d.client.publishAsync(upTopic(t.config.mqtt.topicRoot, d.chip.chip, 'events'), JSON.stringify(env), {
      qos: 1,
    });
    const ack = await d.next((topic, m) => topic.endsWith('/down/events.ack') && m.body.requestId === env.id);
    expect(ack.body.upToSeq).toBe(s.event);
    return numbered.map((e) => e.seq);
  }

  async function status(d: FakeDevice, state: string, faults?: string[]): Promise<void> {
    await d.publishSigned(
      'status',
      {
        online: true,
        state,
        machineKind: 'electric_arc',
        firmware: 'test-agent 1.0',
        protocol: 1,
        ...(faults ? { faults } : {}),
      },
      statusTopic(t.config.mqtt.topicRoot, d.chip.chip),
      true,
    );
  }
  /** What the broker publishes for a device whose connection died (its last will). */
  const will = (d: FakeDevice) =>
    d.client.publishAsync(
      statusTopic(t.config.mqtt.topicRoot, d.chip.chip),
      JSON.stringify({ v: 1, type: 'status', chip: d.chip.chip, body: { online: false, reason: 'will' } }),
      { qos: 1, retain: true },
    );

  const chipRow = async (d: FakeDevice) =>
    (await t.ds.query(`SELECT * FROM chips WHERE chip_id = $1`, [d.chip.chip]))[0];
  const alertsOf = (d: FakeDevice, type: AlertType) =>
    t.ds.query(`SELECT * FROM alerts WHERE chip_id = $1 AND type = $2 ORDER BY created_at`, [d.chip.chip, type]);
  const alertOf = (d: FakeDevice, type: AlertType) => waitUntil(async () => (await alertsOf(d, type))[0], 5000, type);
  const settle = () => new Promise((r) => setTimeout(r, 400));

  async function armed(d: FakeDevice): Promise<string> {
    await status(d, 'locked');
    await waitUntil(async () => (await chipRow(d)).online, 5000, 'online');
    const { answer } = await d.arm(d.armBody({ kind: 'welder_code', code: zhangCode }, { permitId: permit }));
    expect(answer.type).toBe('arm.grant');
    return answer.body.grantId as string;
  }

  it('stores an arc cut off by a crashed agent (no statistics) and shows it in the arcs API; power.cut agent_crashed raises AGENT_CRASHED', async () => {
    const d = await newDevice();
    const grantId = await armed(d);
    const startedAt = iso(1000);
    const endedAt = iso(61_500);
    clock.advance(120_000);
    const interrupted: Omit<ArcStopEvent, 'seq'> = {
      type: 'arc.stop',
      at: endedAt,
      startedAt,
      endedAt,
      durationMs: 60_500,
      grantId,
      samples: 0,
      sampleRateHz: 10,
      interrupted: 'agent_crashed',
    };
    const [, stopSeq] = await report(
      d,
      { type: 'relay.change', at: iso(), closed: false, trigger: 'agent_restarted' },
      interrupted,
      { type: 'power.cut', at: iso(), reason: 'agent_crashed', by: 'hardware_watchdog', grantId },
    );
    const arc = await waitUntil(
      async () =>
        (
          await t.ds.query(`SELECT * FROM arcs WHERE chip_id = $1 AND stop_seq = $2 AND authorized IS NOT NULL`, [
            d.chip.chip,
            stopSeq,
          ])
        )[0],
      5000,
      'arc',
    );
    expect(arc).toMatchObject({
      interrupted: 'agent_crashed',
      current_stats: null,
      voltage_stats: null,
      samples: 0,
      authorized: true,
      welder_id: ids.zhang,
    });

    const res = await t.http.get(`/api/arcs?machineId=${ids.steelMachine1}`).set(await t.auth('hengda.admin'));
    expect(res.status).toBe(200);
    expect(res.body.items.find((a: { chipId: string }) => a.chipId === d.chip.chip)).toMatchObject({
      interrupted: 'agent_crashed',
      current: null,
      voltage: null,
      samples: 0,
      durationMs: 60_500,
    });

    const alert = await alertOf(d, AlertType.AGENT_CRASHED);
    expect(alert).toMatchObject({
      severity: 'warning',
      welder_id: ids.zhang,
      permit_id: permit,
      machine_id: ids.steelMachine1,
    });
    expect(alert.evidence).toMatchObject({
      type: 'power.cut',
      cutBy: 'hardware_watchdog',
      hardwareWatchdogTimeoutMs: 500,
    });
  });

  it('an interrupted arc that kept its statistics keeps them; an ordinary arc without statistics is refused (never acked)', async () => {
    const d = await newDevice();
    const grantId = await armed(d);
    const stats = { min: 90, max: 140, mean: 120, p95: 135 };
    const [seq] = await report(d, {
      type: 'arc.stop',
      at: iso(30_000),
      startedAt: iso(1000),
      endedAt: iso(30_000),
      durationMs: 29_000,
      grantId,
      current: stats,
      voltage: stats,
      samples: 290,
      sampleRateHz: 10,
      interrupted: 'board_lost',
    });
    const arc = await waitUntil(
      async () => (await t.ds.query(`SELECT * FROM arcs WHERE chip_id = $1 AND stop_seq = $2`, [d.chip.chip, seq]))[0],
      5000,
      'arc',
    );
    expect(arc).toMatchObject({ interrupted: 'board_lost', current_stats: stats, samples: 290 });

    // The protocol requires statistics unless interrupted: rejected at the gateway as malformed.
    const s = seqs.get(d.chip.chip)!;
    const bad = {
      type: 'arc.stop',
      at: iso(40_000),
      startedAt: iso(31_000),
      endedAt: iso(40_000),
      durationMs: 9000,
      samples: 0,
      sampleRateHz: 10,
      seq: s.event + 1,
    };
    const env = signEnvelope(
      d.chip.privateKey,
      createEnvelope(
        'events',
        { chip: d.chip.chip, seq: d.nextSeq(), body: { events: [bad] } },
        clock.now(),
      ) as Envelope,
    );
    await d.client.publishAsync(upTopic(t.config.mqtt.topicRoot, d.chip.chip, 'events'), JSON.stringify(env), {
      qos: 1,
    });
    await waitUntil(
      async () =>
        (
          await t.ds.query(`SELECT 1 FROM rejected_messages WHERE chip_id = $1 AND reason = 'malformed'`, [d.chip.chip])
        )[0],
      5000,
      'rejection',
    );
    expect(
      await t.ds.query(`SELECT 1 FROM arcs WHERE chip_id = $1 AND stop_seq = $2`, [d.chip.chip, s.event + 1]),
    ).toEqual([]);
  });

  it('board.link down raises the critical BOARD_LINK_LOST with its cause; the link coming back raises nothing', async () => {
    const d = await newDevice();
    await status(d, 'locked');
    await report(
      d,
      { type: 'board.link', at: iso(), up: false, cause: 'reports_silent' },
      { type: 'power.cut', at: iso(), reason: 'board_lost', by: 'hardware_watchdog' },
      { type: 'board.link', at: iso(5000), up: true },
    );
    const alert = await alertOf(d, AlertType.BOARD_LINK_LOST);
    expect(alert).toMatchObject({ severity: 'critical', machine_id: ids.steelMachine1, count: 1 });
    expect(alert.evidence).toMatchObject({
      type: 'board.link',
      cause: 'reports_silent',
      hardwareWatchdogTimeoutMs: 500,
    });
    await settle();
    expect(await alertsOf(d, AlertType.BOARD_LINK_LOST)).toHaveLength(1);
    expect(await alertsOf(d, AlertType.AGENT_CRASHED)).toHaveLength(0);
  });

  it('offline while armed is critical (offline while locked is not); repeats are aggregated with first and last time; still away after ONSITE_CHECK_AFTER_S asks for an on-site check', async () => {
    const locked = await newDevice();
    await status(locked, 'locked');
    await waitUntil(async () => (await chipRow(locked)).online, 5000, 'online');
    await will(locked);
    await waitUntil(async () => !(await chipRow(locked)).online, 5000, 'offline');
    await settle();
    expect(await alertsOf(locked, AlertType.DEVICE_OFFLINE_ARMED)).toHaveLength(0);
    await locked.close();
    await unbind();

    const d = await newDevice();
    const grantId = await armed(d);
    await report(
      d,
      { type: 'relay.change', at: iso(), closed: true, trigger: 'grant_verified', grantId },
      { type: 'state.change', at: iso(), from: 'authorizing', to: 'armed', trigger: 'grant_verified' },
    );
    await waitUntil(async () => (await chipRow(d)).state === 'armed', 5000, 'armed state');

    const firstAt = clock.now();
    await will(d);
    const alert = await alertOf(d, AlertType.DEVICE_OFFLINE_ARMED);
    expect(alert).toMatchObject({
      severity: 'critical',
      machine_id: ids.steelMachine1,
      enterprise_id: ids.steel,
      count: 1,
    });
    expect(alert.evidence).toMatchObject({
      cause: 'will',
      lastState: 'armed',
      expected: 'hardware_watchdog_cut',
      hardwareWatchdogTimeoutMs: 500,
      onsiteCheckAfterS: ONSITE_CHECK_AFTER_S,
    });
    expect((await chipRow(d)).offline_armed_since).not.toBeNull();

    // It flaps twice within the minute: counted in memory, then written as one aggregated bump.
    for (let i = 0; i < 2; i++) {
      clock.advance(10_000);
      await status(d, 'armed');
      await waitUntil(async () => (await chipRow(d)).online, 5000, 'online again');
      await will(d);
      await waitUntil(async () => !(await chipRow(d)).online, 5000, 'offline again');
    }
    const lastAt = clock.now();
    await settle();
    expect((await alertsOf(d, AlertType.DEVICE_OFFLINE_ARMED))[0].count).toBe(1);
    await t.app.get(DeviceAlerts).flushRepeats();
    const [aggregated] = await alertsOf(d, AlertType.DEVICE_OFFLINE_ARMED);
    expect(aggregated.count).toBe(3);
    expect(new Date(aggregated.first_seen_at).getTime()).toBe(firstAt.getTime());
    expect(new Date(aggregated.last_seen_at).getTime()).toBe(lastAt.getTime());

    // Not yet due, then due: one DEVICE_ONSITE_CHECK, never a second for the same episode.
    const presence = t.app.get(DevicePresence);
    clock.advance(ONSITE_CHECK_AFTER_S * 1000 - 1000);
    await presence.sweep();
    expect(await alertsOf(d, AlertType.DEVICE_ONSITE_CHECK)).toHaveLength(0);
    clock.advance(2000);
    await presence.sweep();
    await presence.sweep();
    const [onsite] = await alertsOf(d, AlertType.DEVICE_ONSITE_CHECK);
    expect(onsite).toMatchObject({ severity: 'critical', count: 1, machine_id: ids.steelMachine1 });
    expect(onsite.evidence).toMatchObject({
      lastState: 'armed',
      offlineMinutes: 2,
      onsiteCheckAfterS: ONSITE_CHECK_AFTER_S,
      action: 'onsite_check',
    });

    // The alert API gives readable titles in both languages.
    const res = await t.http
      .get(`/api/alerts?type=DEVICE_ONSITE_CHECK&machineId=${ids.steelMachine1}`)
      .set(await t.auth('hengda.admin'));
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({
      title: expect.stringContaining('现场检查'),
      titleEn: expect.stringContaining('on site'),
    });
  });

  it('a device that comes back in time is not escalated', async () => {
    const d = await newDevice();
    await armed(d);
    await status(d, 'armed');
    await waitUntil(async () => (await chipRow(d)).state === 'armed', 5000, 'armed');
    await will(d);
    await alertOf(d, AlertType.DEVICE_OFFLINE_ARMED);
    clock.advance(60_000);
    await status(d, 'locked');
    await waitUntil(async () => (await chipRow(d)).online, 5000, 'back');
    expect((await chipRow(d)).offline_armed_since).toBeNull();
    clock.advance(ONSITE_CHECK_AFTER_S * 1000);
    await t.app.get(DevicePresence).sweep();
    expect(await alertsOf(d, AlertType.DEVICE_ONSITE_CHECK)).toHaveLength(0);
  });

  it('status faults: journal_unwritable raises DEVICE_JOURNAL_FAILED once per episode and is kept on the chip', async () => {
    const d = await newDevice();
    await status(d, 'locked', ['journal_unwritable']);
    const alert = await alertOf(d, AlertType.DEVICE_JOURNAL_FAILED);
    expect(alert).toMatchObject({ severity: 'warning', machine_id: ids.steelMachine1 });
    expect(alert.evidence).toMatchObject({ faults: ['journal_unwritable'], state: 'locked' });
    clock.advance(1000);
    await status(d, 'locked', ['journal_unwritable', 'board_lost']);
    await waitUntil(async () => (await chipRow(d)).faults.length === 2, 5000, 'faults');
    clock.advance(1000);
    await status(d, 'locked');
    await waitUntil(async () => (await chipRow(d)).faults.length === 0, 5000, 'healthy');
    await t.app.get(DeviceAlerts).flushRepeats();
    expect((await alertsOf(d, AlertType.DEVICE_JOURNAL_FAILED))[0].count).toBe(1);
  });

  it('a device that drops right after a grant, before its armed status arrives, is treated as armed: DEVICE_OFFLINE_ARMED (grant unconfirmed)', async () => {
    const d = await newDevice();
    await status(d, 'locked');
    await waitUntil(async () => (await chipRow(d)).online, 5000, 'online');
    clock.advance(1_000);
    const { answer } = await d.arm(d.armBody({ kind: 'welder_code', code: zhangCode }, { permitId: permit }));
    expect(answer.type).toBe('arm.grant');
    // No status and no events after the grant: the platform only knows it granted.
    await will(d);
    const alert = await alertOf(d, AlertType.DEVICE_OFFLINE_ARMED);
    expect(alert).toMatchObject({ severity: 'critical' });
    expect(alert.evidence).toMatchObject({ lastState: 'locked', grantUnconfirmed: true });
    await d.close();
    await unbind();
  });

  it('a graceful stop while arcing, then a reconnect reporting locked: the chip shows locked, and replayed older events do not undo it', async () => {
    const d = await newDevice();
    const grantId = await armed(d);
    await report(
      d,
      { type: 'state.change', at: iso(), from: 'authorizing', to: 'armed', trigger: 'grant_verified' },
      { type: 'state.change', at: iso(1000), from: 'armed', to: 'arcing', trigger: 'arc_detected' },
      { type: 'arc.start', at: iso(1000), grantId },
    );
    await waitUntil(async () => (await chipRow(d)).state === 'arcing', 5000, 'arcing');
    const lastHeartbeatAt = iso(20_000);
    clock.advance(30_000);
    // Graceful stop (agent_stopped): the events go out, then the shutdown status.
    await report(
      d,
      { type: 'relay.change', at: iso(), closed: false, trigger: 'agent_stopped' },
      { type: 'power.cut', at: iso(), reason: 'agent_stopped', grantId },
      {
        type: 'arc.stop',
        at: iso(),
        startedAt: iso(-29_000),
        endedAt: iso(),
        durationMs: 29_000,
        grantId,
        samples: 0,
        sampleRateHz: 10,
        interrupted: 'agent_stopped',
      },
      { type: 'state.change', at: iso(), from: 'arcing', to: 'locked', trigger: 'agent_stopped' },
    );
    await waitUntil(async () => (await chipRow(d)).state === 'locked', 5000, 'locked after the stop');
    await d.client.publishAsync(
      statusTopic(t.config.mqtt.topicRoot, d.chip.chip),
      JSON.stringify({ v: 1, type: 'status', chip: d.chip.chip, body: { online: false, reason: 'shutdown' } }),
      { qos: 1, retain: true },
    );
    await waitUntil(async () => !(await chipRow(d)).online, 5000, 'offline');
    // A graceful stop leaves the device locked: not an offline-while-armed.
    expect(await alertsOf(d, AlertType.DEVICE_OFFLINE_ARMED)).toHaveLength(0);

    // Simulate the state the issue saw (a heartbeat from before the stop had left 'arcing'), then the reconnect.
    await t.ds.query(`UPDATE chips SET state = 'arcing', state_at = $2 WHERE chip_id = $1`, [
      d.chip.chip,
      lastHeartbeatAt,
    ]);
    clock.advance(60_000);
    await status(d, 'locked');
    await waitUntil(async () => (await chipRow(d)).online, 5000, 'online');
    expect((await chipRow(d)).state).toBe('locked');
    // A heartbeat from before the reconnect, replayed from the journal, is older than the status: the state stays.
    // (Before issue 18 its position update also set the state: back to 'arcing'.)
    await report(d, {
      type: 'heartbeat',
      at: lastHeartbeatAt,
      position: { lat: 34.1721, lng: 116.0012, accuracyM: 5, fixAt: lastHeartbeatAt },
      relayClosed: true,
      state: 'arcing',
    });
    const chip = await chipRow(d);
    expect(chip.state).toBe('locked');
    expect(chip.last_position).toMatchObject({ lat: 34.1721 });
    const res = await t.http.get(`/api/machines/${ids.steelMachine1}/device`).set(await t.auth('hengda.admin'));
    if (res.status === 200) expect(res.body).toMatchObject({ online: true, state: 'locked' });
  });
});
