/**
 * What the platform learns when the machine side goes wrong: a modified machine (output stage
 * bridged around the relay) arcs without a grant, a gas leak during welding cuts the arc, a
 * machine driven past its rated current is cut by the grant's maxCurrentA, and a contactor whose
 * contacts weld shut is caught by its auxiliary contact.
 */
import { Bench, recordRelay, sleep, waitFor, watchReading } from '../support/bench';
import { activeCode, ok } from '../support/platform-api';

describe('safety cut-offs reported to the platform', () => {
  let bench: Bench;

  beforeAll(async () => {
    bench = await Bench.start();
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('a modified machine arcs with the relay open: the agent reports arc.unauthorized and ARC_WITHOUT_GRANT is stored', async () => {
    const machineId = bench.ids.steelMachines[0];
    const rig = await bench.machine('cut-bypass', machineId);
    const relay = recordRelay(rig);
    expect(rig.agent.state).toBe('locked');

    rig.machine.startBypass();
    rig.machine.pressTrigger();
    try {
      await bench.storedEvent(rig.chip, 'arc.unauthorized');
      // Current really flows while the relay is open: that is the tell-tale of the bridge.
      expect(rig.relayClosed()).toBe(false);
      expect(rig.machine.snapshot().readings.currentA).toBeGreaterThan(100);
      expect(rig.agent.state).toBe('tamper');

      const unauthorized = (await bench.events(rig.chip)).filter((e) => e.type === 'arc.unauthorized');
      expect(unauthorized).toHaveLength(1);
      expect(unauthorized[0].payload).toMatchObject({ relayClosed: false });
      expect(unauthorized[0].payload.currentA).toBeGreaterThan(100);

      const alert = await bench.raisedAlert(rig.chip, 'ARC_WITHOUT_GRANT');
      expect(alert).toMatchObject({ severity: 'critical', machineId, count: 1 });
      expect(alert.evidence).toMatchObject({ type: 'arc.unauthorized', seq: unauthorized[0].seq });
      expect(relay.changes.filter((c) => c.closed)).toEqual([]);
    } finally {
      rig.machine.releaseTrigger();
      rig.machine.stopBypass();
      relay.stop();
    }
    // Once the bridge is gone the tamper state clears and the end is reported too.
    await waitFor('tamper cleared', () => rig.agent.state === 'locked', 5_000);
    await waitFor('bypass end stored', async () =>
      (await bench.events(rig.chip)).some(
        (e) => e.type === 'tamper' && e.payload.switch === 'bypass_suspected' && e.payload.open === false,
      ),
    );
  });

  it('a gas leak while arcing opens the relay within a second of the reading crossing the limit; GAS_ABOVE_LIMIT and power.cut are stored', async () => {
    const machineId = bench.ids.steelMachines[1];
    const rig = await bench.machine('cut-gas', machineId, { process: 'MIG', seed: 3 });
    await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [machineId] });
    await rig.machine.scanBadge((await activeCode(bench.api, 'welders', bench.ids.zhang)).code);
    await waitFor('the relay to close', () => rig.relayClosed());
    rig.machine.pressTrigger();
    await waitFor('arcing', () => rig.agent.state === 'arcing', 5_000);

    // The simulator's own LEL sensor reading, polled, tells when the limit (10 %LEL) was crossed.
    const crossed = watchReading(rig, (r) => r.lelPercent >= 10);
    const relay = recordRelay(rig);
    try {
      rig.machine.startGasLeak();
      await waitFor('the relay to open', () => !rig.relayClosed(), 10_000);
      const openedAt = relay.changes.find((c) => !c.closed)?.at ?? Date.now();
      expect(crossed.at()).toBeGreaterThan(0);
      expect(openedAt - crossed.at()).toBeLessThan(1_000);
      expect(rig.agent.state).toBe('fault');
    } finally {
      crossed.stop();
      relay.stop();
      rig.machine.releaseTrigger();
      rig.machine.stopGasLeak();
    }

    const cut = await bench.storedEvent(rig.chip, 'power.cut');
    expect(cut.payload).toMatchObject({ reason: 'gas_over_limit' });
    const events = await bench.events(rig.chip);
    const reading = events.find((e) => e.type === 'gas.reading' && e.payload.percentLel >= 10);
    expect(reading?.payload).toMatchObject({ limitPercentLel: 10 });
    // The interrupted arc is still closed off and stored, once.
    await bench.storedEvent(rig.chip, 'arc.stop');
    expect((await bench.events(rig.chip)).filter((e) => e.type === 'arc.stop')).toHaveLength(1);

    const alert = await bench.raisedAlert(rig.chip, 'GAS_ABOVE_LIMIT');
    expect(alert).toMatchObject({ severity: 'critical', machineId });
    expect(alert.evidence.event.percentLel).toBeGreaterThan(10);
    // Still in fault: a badge scan does not re-arm while the gas clears.
    await rig.machine.scanBadge((await activeCode(bench.api, 'welders', bench.ids.zhang)).code);
    await sleep(300);
    expect(rig.relayClosed()).toBe(false);
  });

  it("a machine driven past its rating is cut about a second after the current crosses the grant's limit; power.cut and OVER_CURRENT are stored", async () => {
    const machineId = bench.ids.steelMachines[0];
    // Rated 160 A: MMA runs at ~120 A, within it; overdriven (limiter defeated) ~216 A, past 160 A + 10 % = 176 A.
    await ok(bench.api, 'hengda.admin', 'PATCH', `/api/machines/${machineId}`, { ratedCurrentA: 160 });
    const rig = await bench.machine('cut-overcurrent', machineId, { process: 'MMA', seed: 5 });
    await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [machineId] });
    await rig.machine.scanBadge((await activeCode(bench.api, 'welders', bench.ids.zhang)).code);
    await waitFor('the relay to close', () => rig.relayClosed());
    const [grant] = await bench.t.ds.query(`SELECT grant_id, max_current_a FROM grants WHERE chip_id = $1`, [rig.chip]);
    expect(grant.max_current_a).toBe(160);
    rig.machine.pressTrigger();
    await waitFor('arcing', () => rig.agent.state === 'arcing', 5_000);

    const crossed = watchReading(rig, (r) => r.currentA > 176);
    const relay = recordRelay(rig);
    try {
      // Within the rating the arc runs on, however long.
      await sleep(1_500);
      expect(rig.agent.state).toBe('arcing');
      expect(crossed.at()).toBe(0);
      rig.machine.startOverdrive();
      await waitFor('the relay to open', () => !rig.relayClosed(), 5_000);
      const openedAt = relay.changes.find((c) => !c.closed)?.at ?? Date.now();
      expect(crossed.at()).toBeGreaterThan(0);
      // The hold (1 s) lets hot-start surges through; the cut follows within a sample period or two.
      expect(openedAt - crossed.at()).toBeGreaterThanOrEqual(900);
      expect(openedAt - crossed.at()).toBeLessThan(2_000);
      expect(rig.agent.state).toBe('locked');
    } finally {
      crossed.stop();
      relay.stop();
      rig.machine.releaseTrigger();
      rig.machine.stopOverdrive();
    }

    const cut = await bench.storedEvent(rig.chip, 'power.cut');
    expect(cut.payload).toMatchObject({ reason: 'over_current', grantId: grant.grant_id, limitA: 160 });
    expect(cut.payload.currentA).toBeGreaterThan(176);
    await bench.storedEvent(rig.chip, 'arc.stop');
    const stops = (await bench.events(rig.chip)).filter((e) => e.type === 'arc.stop');
    expect(stops).toHaveLength(1);
    expect(stops[0].payload.current.max).toBeGreaterThan(176);

    const alert = await bench.raisedAlert(rig.chip, 'OVER_CURRENT');
    expect(alert).toMatchObject({ severity: 'critical', machineId, welderId: bench.ids.zhang, count: 1 });
    expect(alert.evidence).toMatchObject({ type: 'power.cut', seq: cut.seq });
    // The cut ended the grant: the relay stays open until the welder authorizes again.
    await sleep(300);
    expect(rig.relayClosed()).toBe(false);
  });

  it('contacts welded shut are caught by the auxiliary contact: relay.fault and RELAY_FAULT are stored, and the machine will not arm', async () => {
    const machineId = bench.ids.steelMachines[1];
    const rig = await bench.machine('relay-welded', machineId, { seed: 7 });
    await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [machineId] });
    expect(rig.agent.state).toBe('locked');
    const weldedAt = Date.now();
    rig.machine.setContacts('welded');
    try {
      await waitFor('fault', () => rig.agent.state === 'fault', 3_000);
      // The 300 ms settle time plus a tick or two.
      expect(Date.now() - weldedAt).toBeLessThan(1_500);
      // Power reaches the output with the coil off: only the feedback contact can tell.
      expect(rig.relayClosed()).toBe(false);
      expect(rig.machine.snapshot().readings.energised).toBe(true);

      const fault = await bench.storedEvent(rig.chip, 'relay.fault');
      expect(fault.payload).toMatchObject({ commanded: false, feedback: true });
      const alert = await bench.raisedAlert(rig.chip, 'RELAY_FAULT');
      expect(alert).toMatchObject({ severity: 'critical', machineId, count: 1 });
      expect(alert.evidence).toMatchObject({ type: 'relay.fault', seq: fault.seq });

      // A licensed, named welder cannot arm it: no request even reaches the platform.
      await rig.machine.scanBadge((await activeCode(bench.api, 'welders', bench.ids.zhang)).code);
      await sleep(500);
      expect(rig.agent.state).toBe('fault');
      expect(await bench.decisions(rig.chip)).toEqual([]);
    } finally {
      rig.machine.setContacts('ok');
    }
  });
});
