/**
 * A failing gas analysis on a running permit (issue 14 §4): a welder has armed the machine; the site
 * records a combustible-gas reading above the pass mark; the platform suspends the permit and the
 * device's grant is revoked, so the agent opens the relay; a new badge scan is refused until a
 * passing re-test. Real server, PostgreSQL, broker, agent and simulator over real serial ptys.
 */
import { Bench, waitFor } from '../support/bench';
import { MachineRig } from '../support/machine-rig';
import { activeCode, ok } from '../support/platform-api';

describe('a failing gas analysis stops work at the machine', () => {
  let bench: Bench;
  let rig: MachineRig;
  let machineId: string;
  let permitId: string;

  beforeAll(async () => {
    bench = await Bench.start();
    machineId = bench.ids.steelMachines[0];
    rig = await bench.machine('gas-m1', machineId);
    permitId = await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [machineId] });
  });

  afterAll(async () => {
    await bench?.close();
  });

  const reading = (readingPercentVol: number) =>
    ok(bench.api, 'hengda.admin', 'POST', `/api/permits/${permitId}/gas-analyses`, {
      takenAt: new Date().toISOString(),
      gasCode: 'methane',
      readingPercentVol,
      analyst: '李分析',
    });

  it('revokes the armed machine at once, refuses the next scan, and resumes after a passing re-test', async () => {
    const badge = await activeCode(bench.api, 'welders', bench.ids.zhang);
    await rig.machine.scanBadge(badge.url);
    await waitFor('the relay to close', () => rig.relayClosed());
    expect(rig.agent.state).toBe('armed');

    const failing = await reading(0.9);
    expect(failing.passed).toBe(false);
    await waitFor('the relay to open on grant.revoke', () => !rig.relayClosed(), 5_000);
    await waitFor('the agent locked', () => rig.agent.state === 'locked', 5_000);
    const [grant] = await bench.t.ds.query(
      `SELECT revoke_reason FROM grants WHERE permit_id = $1 AND revoked_at IS NOT NULL`,
      [permitId],
    );
    expect(grant).toMatchObject({ revoke_reason: 'GAS_ANALYSIS_FAILED' });
    const alerts = await bench.t.ds.query(`SELECT type FROM alerts WHERE permit_id = $1`, [permitId]);
    expect(alerts.map((a: { type: string }) => a.type)).toContain('PERMIT_GAS_FAILED');

    const before = (await bench.decisions(rig.chip)).length;
    await rig.machine.scanBadge(badge.url);
    const refused = await waitFor('the decision stored', async () => (await bench.decisions(rig.chip))[before]);
    expect(refused).toMatchObject({ allowed: false, reason: 'GAS_ANALYSIS_FAILED' });
    expect(rig.relayClosed()).toBe(false);

    await reading(0.1);
    await waitFor('the agent locked', () => rig.agent.state === 'locked', 5_000);
    await rig.machine.scanBadge(badge.url);
    await waitFor('the relay to close again', () => rig.relayClosed());
  });
});
