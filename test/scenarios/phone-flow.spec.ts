/**
 * The phone flow: 张伟 scans the machine's QR label with the app, the platform pushes a grant to
 * the machine, and he confirms on the machine with the torch trigger; only then does the relay close.
 */
import { Bench, recordRelay, SITE, sleep, waitFor } from '../support/bench';
import { MachineRig } from '../support/machine-rig';
import { activeCode, ok } from '../support/platform-api';

describe('phone-initiated start', () => {
  let bench: Bench;
  let rig: MachineRig;
  let machineId: string;
  let permitId: string;

  beforeAll(async () => {
    bench = await Bench.start();
    machineId = bench.ids.steelMachines[1];
    rig = await bench.machine('phone-m2', machineId, { process: 'MIG' });
    permitId = await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [machineId] });
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('grant.push reaches the machine; the relay stays open until the welder confirms with the trigger', async () => {
    const label = await activeCode(bench.api, 'machines', machineId);
    const relay = recordRelay(rig);
    try {
      const started = await ok(bench.api, 'welder.zhang', 'POST', '/api/arm-sessions', {
        machineCode: label.url,
        permitId,
        position: { lat: SITE.lat, lng: SITE.lng, accuracyM: 8 },
      });
      expect(started).toMatchObject({ allowed: true, reason: 'OK', delivered: true });
      await waitFor('the push held by the agent, waiting for the trigger', () => rig.agent.snapshot.push, 10_000);
      await sleep(300);
      expect(rig.relayClosed()).toBe(false);
      expect(relay.changes.filter((c) => c.closed)).toEqual([]);

      rig.machine.pressTrigger();
      await sleep(150);
      rig.machine.releaseTrigger();
      await waitFor('the relay to close', () => rig.relayClosed(), 10_000);
      expect(rig.agent.state).toBe('armed');

      const session = await waitFor('the session armed', async () => {
        const s = await ok(bench.api, 'welder.zhang', 'GET', `/api/arm-sessions/${started.sessionId}`);
        return s.status === 'armed' ? s : null;
      });
      expect(session).toMatchObject({ machineId, permitId });
      const decisions = await bench.decisions(rig.chip);
      expect(decisions.filter((d) => d.allowed && d.welderId === bench.ids.zhang)).not.toHaveLength(0);
      expect(decisions.filter((d) => !d.allowed)).toEqual([]);
    } finally {
      relay.stop();
    }
  });
});
