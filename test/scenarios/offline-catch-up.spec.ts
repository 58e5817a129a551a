/**
 * A machine loses its network mid-shift: the grant it holds keeps it armed, the welder carries on,
 * every event goes to the journal, and after the network returns the journal is replayed and the
 * server stores each event exactly once, acknowledges it, and the agent compacts its journal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bench, sleep, waitFor } from '../support/bench';
import { MachineRig } from '../support/machine-rig';
import { activeCode } from '../support/platform-api';

describe('offline mid-shift and catch-up', () => {
  let bench: Bench;
  let rig: MachineRig;

  beforeAll(async () => {
    bench = await Bench.start();
    const machineId = bench.ids.steelMachines[0];
    rig = await bench.machine('offline-m1', machineId);
    await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [machineId] });
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('welds while cut off, then replays the journal: every event stored once, acknowledged, journal compacted', async () => {
    await rig.machine.scanBadge((await activeCode(bench.api, 'welders', bench.ids.zhang)).url);
    await waitFor('armed', () => rig.relayClosed() && rig.agent.state === 'armed');
    const grantId = (await bench.decisions(rig.chip))[0].grantId;
    await waitFor('everything so far acknowledged', () => rig.agent.journal.pending().length === 0);

    rig.machine.cutNetwork();
    await waitFor('the agent offline', () => !rig.agent.online, 5_000);
    // Offline with a valid grant: still armed, the welder carries on.
    expect(rig.agent.state).toBe('armed');
    expect(rig.relayClosed()).toBe(true);
    for (let i = 0; i < 2; i++) {
      rig.machine.pressTrigger();
      await waitFor('arcing', () => rig.agent.state === 'arcing', 5_000);
      await sleep(800);
      rig.machine.releaseTrigger();
      await waitFor('arc over', () => rig.agent.state === 'armed', 5_000);
    }
    const journaled = await waitFor('both arcs journaled', () => {
      const pending = rig.agent.journal.pending();
      return pending.filter((e) => e.type === 'arc.stop').length === 2 ? [...pending] : null;
    });
    const offlineSeqs = journaled.map((e) => e.seq);
    const stored = await bench.events(rig.chip);
    expect(stored.filter((e) => offlineSeqs.includes(e.seq))).toEqual([]);
    expect(stored.some((e) => e.type === 'arc.start')).toBe(false);

    rig.machine.restoreNetwork();
    await waitFor('the agent back online', () => rig.agent.online, 20_000);
    await waitFor('the journal drained (acknowledged)', () => rig.agent.journal.pending().length === 0, 20_000);

    const counts: { seq: number; n: number }[] = await bench.t.ds.query(
      `SELECT seq::int AS seq, count(*)::int AS n FROM device_events WHERE chip_id = $1 GROUP BY seq ORDER BY seq`,
      [rig.chip],
    );
    expect(counts.filter((c) => c.n !== 1)).toEqual([]);
    // Contiguous from 1: nothing lost, nothing invented; what the journal held offline is all there.
    expect(counts.map((c) => c.seq)).toEqual(counts.map((_, i) => i + 1));
    for (const seq of offlineSeqs) expect(counts.map((c) => c.seq)).toContain(seq);
    const after = await bench.events(rig.chip);
    for (const event of journaled) {
      const row = after.find((e) => e.seq === event.seq)!;
      expect({ seq: row.seq, type: row.type }).toEqual({ seq: event.seq, type: event.type });
      expect(row.payload.at).toBe(event.at);
    }
    expect(after.filter((e) => e.type === 'arc.start')).toHaveLength(2);
    expect(after.filter((e) => e.type === 'arc.stop')).toHaveLength(2);

    // The server acknowledged up to the last event and the journal file no longer holds any of them.
    expect(rig.agent.journal.ackedUpTo).toBeGreaterThanOrEqual(Math.max(...offlineSeqs));
    const left = readFileSync(join(rig.journalDir, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { seq: number });
    expect(left.filter((e) => e.seq <= rig.agent.journal.ackedUpTo)).toEqual([]);

    // Welded under the grant it held: both arcs count as authorized.
    const arcs = await waitFor('arcs classified', async () => {
      const rows: { authorized: boolean | null; grant_id: string }[] = await bench.t.ds.query(
        `SELECT authorized, grant_id FROM arcs WHERE chip_id = $1`,
        [rig.chip],
      );
      return rows.length === 2 && rows.every((r) => r.authorized !== null) ? rows : null;
    });
    expect(arcs.map((a) => [a.authorized, a.grant_id])).toEqual([
      [true, grantId],
      [true, grantId],
    ]);
    expect(await bench.alerts(rig.chip, 'ARC_WITHOUT_GRANT')).toEqual([]);
  });

  it('acknowledgements lost on the way back: the events go again after the reconnect and are still stored once', async () => {
    expect(rig.agent.state).toBe('armed');
    rig.network.loseEverythingToAgent();
    rig.machine.pressTrigger();
    await waitFor('arcing', () => rig.agent.state === 'arcing', 5_000);
    await sleep(600);
    rig.machine.releaseTrigger();
    // The server has the arc, the agent never heard so: it still holds it in the journal.
    await waitFor(
      'arc stored on the server',
      async () => (await bench.events(rig.chip)).filter((e) => e.type === 'arc.stop').length === 3,
    );
    await sleep(300);
    const unacked = rig.agent.journal.pending().map((e) => e.seq);
    const storedNow = (await bench.events(rig.chip)).map((e) => e.seq);
    const alreadyStored = unacked.filter((seq) => storedNow.includes(seq));
    expect(alreadyStored.length).toBeGreaterThan(0);

    // The link breaks for good and comes back: the agent replays its whole journal.
    rig.network.cut();
    await waitFor('the agent offline', () => !rig.agent.online, 10_000);
    rig.network.restore();
    await waitFor('the agent back online', () => rig.agent.online, 20_000);
    await waitFor('the journal drained', () => rig.agent.journal.pending().length === 0, 20_000);

    const counts: { seq: number; n: number }[] = await bench.t.ds.query(
      `SELECT seq::int AS seq, count(*)::int AS n FROM device_events WHERE chip_id = $1 GROUP BY seq ORDER BY seq`,
      [rig.chip],
    );
    expect(counts.filter((c) => c.n !== 1)).toEqual([]);
    expect(counts.map((c) => c.seq)).toEqual(counts.map((_, i) => i + 1));
    const arcs: { n: number }[] = await bench.t.ds.query(`SELECT count(*)::int AS n FROM arcs WHERE chip_id = $1`, [
      rig.chip,
    ]);
    expect(arcs[0].n).toBe(3);
  });
});
