/**
 * Badge at the machine: a licensed welder named on the permit arms the machine and welds; a welder
 * without a certificate and one whose certificate has expired are refused and the relay never
 * closes. Real server, PostgreSQL, broker, agent and simulator over real serial ptys.
 */
import { Bench, recordRelay, sleep, waitFor } from '../support/bench';
import { MachineRig } from '../support/machine-rig';
import { activeCode } from '../support/platform-api';

describe('welder authorization at the machine', () => {
  let bench: Bench;
  let rig: MachineRig;
  let machineId: string;
  let permitId: string;

  beforeAll(async () => {
    bench = await Bench.start();
    machineId = bench.ids.steelMachines[0];
    rig = await bench.machine('auth-m1', machineId);
    permitId = await bench.permit({ welderIds: [bench.ids.zhang, bench.ids.liu], machineIds: [machineId] });
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('张伟 (valid certificate, named on the permit) scans his badge: relay closes, the arc is stored once with its statistics', async () => {
    const badge = await activeCode(bench.api, 'welders', bench.ids.zhang);
    await rig.machine.scanBadge(badge.url);
    await waitFor('the relay to close', () => rig.relayClosed());
    expect(rig.agent.state).toBe('armed');

    const [decision] = await bench.decisions(rig.chip);
    expect(decision).toMatchObject({
      allowed: true,
      reason: 'OK',
      welderId: bench.ids.zhang,
      permitId,
      source: 'device',
    });
    expect(decision.grantId).toBeTruthy();

    rig.machine.pressTrigger();
    await waitFor('arcing', () => rig.agent.state === 'arcing', 5_000);
    await sleep(1_000);
    rig.machine.releaseTrigger();
    await waitFor('arc.stop stored', async () => (await bench.events(rig.chip)).some((e) => e.type === 'arc.stop'));

    const events = await bench.events(rig.chip);
    expect(events.filter((e) => e.type === 'arc.start')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'arc.stop')).toHaveLength(1);
    expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
    const stop = events.find((e) => e.type === 'arc.stop')!;
    expect(stop.grantId).toBe(decision.grantId);

    const arcs: {
      authorized: boolean;
      welder_id: string;
      permit_id: string;
      duration_ms: string;
      samples: number;
      current_stats: { mean: number };
      voltage_stats: { mean: number };
    }[] = await waitFor('the arc classified', async () => {
      const rows = await bench.t.ds.query(`SELECT * FROM arcs WHERE chip_id = $1`, [rig.chip]);
      return rows.length && rows[0].authorized !== null ? rows : null;
    });
    expect(arcs).toHaveLength(1);
    expect(arcs[0]).toMatchObject({ authorized: true, welder_id: bench.ids.zhang, permit_id: permitId });
    expect(Number(arcs[0].duration_ms)).toBeGreaterThanOrEqual(500);
    expect(Number(arcs[0].duration_ms)).toBeLessThan(3_000);
    // MMA at the simulator's default 120 A on the 20 + 0.04·I load line.
    expect(arcs[0].current_stats.mean).toBeGreaterThan(100);
    expect(arcs[0].current_stats.mean).toBeLessThan(140);
    expect(arcs[0].voltage_stats.mean).toBeGreaterThan(20);
    expect(arcs[0].voltage_stats.mean).toBeLessThan(30);
    expect(await bench.alerts(rig.chip, 'ARC_WITHOUT_GRANT')).toEqual([]);

    // Scanning again ends the session: the relay opens.
    await rig.machine.scanBadge(badge.url);
    await waitFor('the relay to open', () => !rig.relayClosed());
    expect(rig.agent.state).toBe('locked');
  });

  it.each([
    ['孙磊 (no certificate)', 'CERTIFICATE_MISSING', 'sun'],
    ['陈静 (certificate expired in 2025, dispatched to 恒达)', 'CERTIFICATE_EXPIRED', 'chen'],
  ] as const)(
    '%s scans: refused with %s, the relay never closes, UNLICENSED_ATTEMPT is raised',
    async (_who, reason, key) => {
      const welderId = bench.ids[key];
      const before = (await bench.decisions(rig.chip)).length;
      const relay = recordRelay(rig);
      try {
        await rig.machine.scanBadge((await activeCode(bench.api, 'welders', welderId)).url);
        const decision = await waitFor('the decision stored', async () => (await bench.decisions(rig.chip))[before]);
        expect(decision).toMatchObject({ allowed: false, reason, welderId, grantId: null });
        await waitFor('the agent back to locked', () => rig.agent.state === 'locked', 5_000);
        await sleep(300);
        expect(relay.changes.filter((c) => c.closed)).toEqual([]);
        expect(rig.relayClosed()).toBe(false);
      } finally {
        relay.stop();
      }
      const alerts = await waitFor('UNLICENSED_ATTEMPT', async () => {
        const rows = (await bench.alerts(rig.chip, 'UNLICENSED_ATTEMPT')).filter((a) => a.welderId === welderId);
        return rows.length ? rows : null;
      });
      expect(alerts).toHaveLength(1);
      expect(alerts[0].machineId).toBe(machineId);
    },
  );
});
