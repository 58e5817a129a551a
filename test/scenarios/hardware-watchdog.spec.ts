/**
 * The three ways a machine used to keep its power with no valid grant (issue 18), each as real
 * processes: the agent (device-agent/dist/main.js) killed, the serial cable (the socat pty relay)
 * killed, and the cable frozen while gas leaks. The board's hardware watchdog must cut the output
 * within HARDWARE_WATCHDOG_TIMEOUT_MS of the heartbeat stopping, with no software involved, and the
 * records must say what really happened. The output is read from the simulator's own trace.
 */
import { HARDWARE_WATCHDOG_TIMEOUT_MS } from '@arcgate/protocol';
import { Bench, SITE, waitFor } from '../support/bench';
import { activeCode, bindChip } from '../support/platform-api';
import { ProcessRig, sleep, waitUntil } from '../support/process-rig';

/** The watchdog bound, plus the simulator's check period and a margin for a loaded CI machine. */
const CUT_BOUND_MS = HARDWARE_WATCHDOG_TIMEOUT_MS + 250;

describe('hardware watchdog: power needs a live heartbeat', () => {
  let bench: Bench;
  let badge: string;
  let machineId: string;
  const rigs: ProcessRig[] = [];

  beforeAll(async () => {
    bench = await Bench.start();
    machineId = bench.ids.steelMachines[0];
    await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [machineId] });
    badge = (await activeCode(bench.api, 'welders', bench.ids.zhang)).code;
  });

  afterAll(async () => {
    for (const rig of rigs) await rig.stop();
    await bench?.close();
  });

  /** What the agent said last, for a failure message: the events alone do not say why one is missing. */
  function diagnostics(rig: ProcessRig): string {
    return `agent log (last 40 lines):\n${rig.agentLog.slice(-40).join('\n')}`;
  }

  async function arcingMachine(name: string): Promise<ProcessRig> {
    const rig = new ProcessRig({
      name,
      brokerUrl: bench.t.config.mqtt.url,
      topicRoot: bench.t.config.mqtt.topicRoot,
      serverPublicKey: bench.serverKey,
      position: SITE,
    });
    rigs.push(rig);
    await bindChip(bench.api, machineId, rig.identity);
    await rig.start();
    await waitFor(
      `${name} boot stored`,
      async () => (await bench.events(rig.chip)).some((e) => e.type === 'boot'),
      30_000,
    );
    rig.simCommand(`scan ${badge}`);
    await waitUntil('the output to be live under the grant', () => rig.energised(), 15_000);
    rig.simCommand('trigger on');
    await waitFor(
      'arc.start stored',
      async () => (await bench.events(rig.chip)).some((e) => e.type === 'arc.start'),
      15_000,
    );
    return rig;
  }

  it('agent killed (SIGKILL) while arcing: the output dies within the bound; the restart records the opening and the cut-off arc', async () => {
    const rig = await arcingMachine('wd-kill');
    const t0 = Date.now();
    rig.killAgent('SIGKILL');
    await waitUntil('the output to die', () => !rig.energised(), 5_000);
    const offAt = rig.outputOffSince(t0);
    expect(offAt).toBeGreaterThan(0);
    expect(offAt - t0).toBeLessThan(CUT_BOUND_MS);
    // It stays dead: nothing software does can bring it back without a heartbeat.
    await sleep(1_500);
    expect(rig.energised()).toBe(false);

    const offline = await bench.raisedAlert(rig.chip, 'DEVICE_OFFLINE_ARMED');
    expect(offline.severity).toBe('critical');

    await rig.waitAgentExit();
    rig.startAgent();
    const cut = await waitFor(
      'power.cut after the crash',
      async () =>
        (await bench.events(rig.chip)).find((e) => e.type === 'power.cut' && e.payload.reason === 'agent_crashed'),
      30_000,
    );
    expect(cut.payload.by).toBe('hardware_watchdog');
    const events = await bench.events(rig.chip);
    expect(
      events.some(
        (e) => e.type === 'relay.change' && e.payload.closed === false && e.payload.trigger === 'agent_restarted',
      ),
    ).toBe(true);
    const arcStop = events.find((e) => e.type === 'arc.stop');
    expect(arcStop?.payload.interrupted).toBe('agent_crashed');
    await bench.raisedAlert(rig.chip, 'AGENT_CRASHED');
    rig.simCommand('trigger off');
  });

  it('serial cable broken (pty relay killed) while arcing: the output dies within the bound; the agent records a lost link, not an opened relay', async () => {
    const rig = await arcingMachine('wd-cable');
    expect(rig.energised()).toBe(true);
    const t0 = Date.now();
    process.kill(rig.serialRelayPid(), 'SIGKILL');
    await waitUntil('the output to die', () => !rig.energised(), 5_000);
    expect(rig.outputOffSince(t0) - t0).toBeLessThan(CUT_BOUND_MS);

    const lost = await waitFor(
      'board.link down stored',
      async () => (await bench.events(rig.chip)).find((e) => e.type === 'board.link' && e.payload.up === false),
      15_000,
    );
    expect(['port_closed', 'port_error', 'reports_silent']).toContain(lost.payload.cause);
    // The loss, its power.cut and the cut-off arc are journaled together; wait for the cut to be stored
    // too (a loaded machine may store them in more than one batch).
    const cut = await waitFor(
      'power.cut board_lost stored',
      async () =>
        (await bench.events(rig.chip)).find(
          (e) => e.type === 'power.cut' && e.payload.reason === 'board_lost' && e.seq > lost.seq,
        ),
      15_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${diagnostics(rig)}`);
    });
    expect(cut.payload.by).toBe('hardware_watchdog');
    // The agent could not command the relay, so it must not claim it did.
    const after = (await bench.events(rig.chip)).filter((e) => e.seq > lost.seq);
    expect(after.some((e) => e.type === 'relay.change' && e.payload.closed === false)).toBe(false);
    expect((await bench.raisedAlert(rig.chip, 'BOARD_LINK_LOST')).severity).toBe('critical');

    // A new cable (the simulator restarted on the same device path): the agent finds the board again.
    rig.killSimulator('SIGKILL');
    await sleep(300);
    await rig.startSimulator();
    await waitFor(
      'board.link up stored',
      async () =>
        (await bench.events(rig.chip)).some(
          (e) => e.type === 'board.link' && e.payload.up === true && e.seq > lost.seq,
        ),
      30_000,
    );
    expect(rig.energised()).toBe(false);
  });

  it('serial cable frozen (pty relay stopped), then gas leaks: the output dies within the bound; the agent sees its sensors go silent', async () => {
    const rig = await arcingMachine('wd-freeze');
    const relay = rig.serialRelayPid();
    const t0 = Date.now();
    process.kill(relay, 'SIGSTOP');
    try {
      rig.simCommand('leak on');
      await waitUntil('the output to die', () => !rig.energised(), 5_000);
      expect(rig.outputOffSince(t0) - t0).toBeLessThan(CUT_BOUND_MS);
      // While frozen the agent's own loop runs on: it must notice that the board went quiet.
      const silent = await waitFor(
        'board.link reports_silent stored',
        async () => (await bench.events(rig.chip)).find((e) => e.type === 'board.link' && e.payload.up === false),
        15_000,
      );
      expect(silent.payload.cause).toBe('reports_silent');
    } finally {
      process.kill(relay, 'SIGCONT');
    }
    // Once the cable thaws the gas reading arrives: the fault is gas now, and the platform hears of it.
    // The agent re-opens the port with back-off (up to BOARD_REOPEN_MAX_MS) and redoes the Firmata handshake first.
    await waitFor('GAS_ABOVE_LIMIT', async () => (await bench.alerts(rig.chip, 'GAS_ABOVE_LIMIT'))[0], 30_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${diagnostics(rig)}`);
      },
    );
    expect(rig.energised()).toBe(false);
    rig.simCommand('leak off');
    rig.simCommand('trigger off');
  });
});
