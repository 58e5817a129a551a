import { FakeClock } from './clock';
import { MachineModel } from './machine-model';
import {
  ArcProcess,
  COIL_RULES,
  ContactCondition,
  HARDWARE_WATCHDOG_TIMEOUT_MS,
  LEL_MODEL,
  MachineKind,
  Readings,
  RESISTANCE_CYCLE,
  WATCHDOG_CHECK_MS,
} from './physics';
import { ANALOG_CHANNELS, fromCounts, PINS, SCALES, toCounts } from './pin-map';
import { seededRandom } from './random';

type Range = [min: number, max: number];

interface Case {
  kind: MachineKind;
  process?: ArcProcess;
  relay: boolean;
  trigger: boolean;
  bypass?: boolean;
  overdrive?: boolean;
  contacts?: ContactCondition;
  current: Range;
  voltage: Range;
  flow?: Range;
  flame?: boolean;
}

function model(kind: MachineKind, process?: ArcProcess, seed = 7) {
  const clock = new FakeClock(1_000_000);
  return { clock, m: new MachineModel({ kind, process, clock, random: seededRandom(seed) }) };
}

/** Many samples over fake time, so the ranges hold for the noise and not for one lucky draw. */
function samples(m: MachineModel, clock: FakeClock, n = 200, stepMs = 19): Readings[] {
  return Array.from({ length: n }, () => {
    clock.advance(stepMs);
    return m.sample().readings;
  });
}

const within = (values: number[], [min, max]: Range): void => {
  expect(Math.min(...values)).toBeGreaterThanOrEqual(min);
  expect(Math.max(...values)).toBeLessThanOrEqual(max);
};

describe('physical model: behaviour table', () => {
  const cases: Case[] = [
    // Contactor open: nothing on the output, whatever the welder does.
    { kind: 'electric_arc', relay: false, trigger: false, current: [0, 0], voltage: [0, 0] },
    { kind: 'electric_arc', relay: false, trigger: true, current: [0, 0], voltage: [0, 0] },
    // Contactor closed, no arc: open-circuit voltage, no current.
    { kind: 'electric_arc', process: 'MMA', relay: true, trigger: false, current: [0, 0], voltage: [65, 71] },
    { kind: 'electric_arc', process: 'MIG', relay: true, trigger: false, current: [0, 0], voltage: [39, 45] },
    // Arc burning: process current, voltage on the IEC 60974-1 load line (MMA: 20 + 0.04·I).
    { kind: 'electric_arc', process: 'MMA', relay: true, trigger: true, current: [110, 130], voltage: [22, 28] },
    { kind: 'electric_arc', process: 'TIG', relay: true, trigger: true, current: [100, 120], voltage: [12, 17.5] },
    { kind: 'electric_arc', process: 'MIG', relay: true, trigger: true, current: [165, 195], voltage: [20, 26] },
    // A bypassed machine welds with the contactor open: the tell-tale of a modified machine.
    {
      kind: 'electric_arc',
      process: 'MMA',
      relay: false,
      trigger: true,
      bypass: true,
      current: [110, 130],
      voltage: [22, 28],
    },
    {
      kind: 'electric_arc',
      process: 'MMA',
      relay: false,
      trigger: false,
      bypass: true,
      current: [0, 0],
      voltage: [65, 71],
    },
    // Overdriven (current limiter defeated): 1.8 × the setpoint, still only while energised and welding.
    {
      kind: 'electric_arc',
      process: 'MMA',
      relay: true,
      trigger: true,
      overdrive: true,
      current: [198, 234],
      voltage: [26, 32],
    },
    {
      kind: 'electric_arc',
      process: 'MMA',
      relay: true,
      trigger: false,
      overdrive: true,
      current: [0, 0],
      voltage: [65, 71],
    },
    {
      kind: 'electric_arc',
      process: 'MMA',
      relay: false,
      trigger: true,
      overdrive: true,
      current: [0, 0],
      voltage: [0, 0],
    },
    { kind: 'resistance', relay: true, trigger: true, overdrive: true, current: [0, 360], voltage: [0, 5.5] },
    {
      kind: 'gas',
      relay: true,
      trigger: true,
      overdrive: true,
      current: [0, 0],
      voltage: [0, 0],
      flow: [6, 10],
      flame: true,
    },
    // A failed contactor: welded shut it powers the output with the coil off; stuck open it never does.
    {
      kind: 'electric_arc',
      process: 'MMA',
      relay: false,
      trigger: true,
      contacts: 'welded',
      current: [110, 130],
      voltage: [22, 28],
    },
    {
      kind: 'electric_arc',
      process: 'MMA',
      relay: true,
      trigger: true,
      contacts: 'stuck_open',
      current: [0, 0],
      voltage: [0, 0],
    },
    {
      kind: 'gas',
      relay: false,
      trigger: true,
      contacts: 'welded',
      current: [0, 0],
      voltage: [0, 0],
      flow: [6, 10],
      flame: true,
    },
    // Spot welder: pulses up to the primary current while held, nothing otherwise.
    { kind: 'resistance', relay: true, trigger: true, current: [0, 200], voltage: [0, 5.5] },
    { kind: 'resistance', relay: false, trigger: true, current: [0, 0], voltage: [0, 0] },
    { kind: 'resistance', relay: false, trigger: true, bypass: true, current: [0, 200], voltage: [0, 5.5] },
    // Gas set: the relay is the fuel valve; flow and a flame need valve and torch open.
    { kind: 'gas', relay: true, trigger: true, current: [0, 0], voltage: [0, 0], flow: [6, 10], flame: true },
    { kind: 'gas', relay: true, trigger: false, current: [0, 0], voltage: [0, 0], flow: [0, 0], flame: false },
    { kind: 'gas', relay: false, trigger: true, current: [0, 0], voltage: [0, 0], flow: [0, 0], flame: false },
    {
      kind: 'gas',
      relay: false,
      trigger: true,
      bypass: true,
      current: [0, 0],
      voltage: [0, 0],
      flow: [6, 10],
      flame: true,
    },
  ];

  const title = (c: Case): string =>
    `${c.kind}${c.process ? ` ${c.process}` : ''}: relay ${c.relay ? 'closed' : 'open'}, trigger ${c.trigger ? 'pressed' : 'released'}${c.bypass ? ', bypassed' : ''}${c.overdrive ? ', overdriven' : ''}${c.contacts ? `, contacts ${c.contacts}` : ''}`;

  it.each(cases.map((c) => [title(c), c] as const))(
    '%s',
    (_title, { kind, process, relay, trigger, bypass, overdrive, contacts, current, voltage, flow, flame }) => {
      const { clock, m } = model(kind, process);
      m.setRelay(relay);
      // A healthy host kicks the watchdog while it holds the relay closed.
      m.setHeartbeatPin(1);
      m.setTrigger(trigger);
      m.setBypass(bypass ?? false);
      m.setOverdrive(overdrive ?? false);
      m.setContacts(contacts ?? 'ok');
      const rs = samples(m, clock);
      within(
        rs.map((r) => r.currentA),
        current,
      );
      within(
        rs.map((r) => r.voltageV),
        voltage,
      );
      if (flow)
        within(
          rs.map((r) => r.gasFlowLpm),
          flow,
        );
      if (flame !== undefined) expect(new Set(rs.map((r) => r.flame))).toEqual(new Set([flame]));
      const closedContacts = contacts === 'welded' || (contacts !== 'stuck_open' && relay);
      expect(rs.every((r) => r.energised === (closedContacts || (bypass ?? false)))).toBe(true);
      // The auxiliary contact (D4) reports the contacts, not the coil.
      expect(m.digitalLevel(PINS.relayFeedback)).toBe(closedContacts ? 1 : 0);
    },
  );

  it('names the behaviours that applied', () => {
    const { m } = model('electric_arc');
    m.setRelay(true);
    m.setHeartbeatPin(1);
    m.setTrigger(true);
    expect(m.sample().applied).toEqual([
      'output stage live only through the relay or a bypass',
      'arc burning: process current, voltage on the load line',
      'combustible gas: baseline noise plus any leak',
    ]);
  });

  it('is deterministic for a seed and varies with it', () => {
    const run = (seed: number) => {
      const { clock, m } = model('electric_arc', 'MMA', seed);
      m.setRelay(true);
      m.setHeartbeatPin(1);
      m.setTrigger(true);
      return samples(m, clock, 20).map((r) => r.currentA);
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
    expect(new Set(run(42)).size).toBeGreaterThan(1);
  });
});

describe('physical model over fake time', () => {
  it('spot welder: squeeze, weld pulse, off — repeating from the trigger press', () => {
    const { clock, m } = model('resistance');
    m.setRelay(true);
    m.setHeartbeatPin(1);
    m.setTrigger(true);
    const { squeezeMs, weldMs, offMs } = RESISTANCE_CYCLE;
    const at = (ms: number): Readings => {
      const c = new FakeClock(1_000_000);
      const probe = new MachineModel({ kind: 'resistance', clock: c, random: seededRandom(1) });
      probe.setRelay(true);
      probe.setHeartbeatPin(1);
      probe.setTrigger(true);
      c.advance(ms);
      return probe.sample().readings;
    };
    expect(at(squeezeMs / 2).currentA).toBe(0);
    expect(at(squeezeMs + weldMs / 2).currentA).toBeGreaterThan(150);
    expect(at(squeezeMs + weldMs + offMs / 2).currentA).toBe(0);
    expect(at(squeezeMs + weldMs + offMs + squeezeMs + 10).currentA).toBeGreaterThan(150);
    // Over a second of sampling both phases appear.
    const currents = samples(m, clock, 60, 17).map((r) => r.currentA);
    expect(currents.filter((a) => a === 0).length).toBeGreaterThan(10);
    expect(currents.filter((a) => a > 150).length).toBeGreaterThan(10);
  });

  it('LEL sits at a 0–2 % baseline, rises during a leak and ventilates away after', () => {
    const { clock, m } = model('gas');
    within(
      samples(m, clock, 100).map((r) => r.lelPercent),
      [0, 2.5],
    );

    m.setGasLeak(true);
    clock.advance(1000);
    const afterOne = m.sample().readings.lelPercent;
    clock.advance(4000);
    const afterFive = m.sample().readings.lelPercent;
    clock.advance(60_000);
    const plateau = m.sample().readings.lelPercent;
    expect(afterOne).toBeGreaterThan(8);
    expect(afterFive).toBeGreaterThan(afterOne + 20);
    expect(plateau).toBeGreaterThan(LEL_MODEL.leakPlateauPercent - 2);
    expect(plateau).toBeLessThan(LEL_MODEL.leakPlateauPercent + 3);

    m.setGasLeak(false);
    // Continuous at the change: no jump back to baseline.
    expect(m.sample().readings.lelPercent).toBeGreaterThan(LEL_MODEL.leakPlateauPercent - 2);
    clock.advance(15_000);
    const decaying = m.sample().readings.lelPercent;
    expect(decaying).toBeGreaterThan(15);
    expect(decaying).toBeLessThan(30);
    clock.advance(120_000);
    expect(m.sample().readings.lelPercent).toBeLessThan(2.5);
  });

  it('restarting a leak continues from the current level', () => {
    const { clock, m } = model('electric_arc');
    m.setGasLeak(true);
    clock.advance(2000);
    m.setGasLeak(false);
    const level = m.state.lelAnchor.excessPercent;
    expect(level).toBeGreaterThan(20);
    clock.advance(1000);
    m.setGasLeak(true);
    expect(m.state.lelAnchor.excessPercent).toBeLessThan(level);
    expect(m.state.lelAnchor.excessPercent).toBeGreaterThan(level * 0.9);
  });
});

describe('hardware watchdog (D5 heartbeat powers the relay driver)', () => {
  /** Runs the watchdog's own check every WATCHDOG_CHECK_MS for `ms`, kicking D5 every `kickEveryMs` (0: never). */
  function run(m: MachineModel, clock: FakeClock, ms: number, kickEveryMs = 0): number | null {
    let droppedAt: number | null = null;
    const start = clock.now();
    for (let t = WATCHDOG_CHECK_MS; t <= ms; t += WATCHDOG_CHECK_MS) {
      clock.advance(WATCHDOG_CHECK_MS);
      if (kickEveryMs && t % kickEveryMs === 0) m.setHeartbeatPin(m.state.heartbeat.level === 1 ? 0 : 1);
      if (m.checkWatchdog() && droppedAt === null) droppedAt = clock.now() - start;
    }
    return droppedAt;
  }

  function armed() {
    const { clock, m } = model('electric_arc', 'MMA');
    m.setHeartbeatPin(1); // the host kicks once right before closing the relay
    m.setRelay(true);
    m.setTrigger(true);
    return { clock, m };
  }

  it('keeps the coil unpowered without any kick, whatever D7 says', () => {
    const { clock, m } = model('electric_arc', 'MMA');
    m.setRelay(true);
    m.setTrigger(true);
    expect(m.sample().readings).toMatchObject({ energised: false, currentA: 0 });
    expect(COIL_RULES.find((r) => r.when(m.state))?.reason).toBe('no_heartbeat');
    run(m, clock, 1_000);
    expect(m.digitalLevel(PINS.relayFeedback)).toBe(0);
  });

  it('drops the coil when kicks stop: at the timeout, within one check period', () => {
    const { clock, m } = armed();
    expect(m.sample().readings.energised).toBe(true);
    const droppedAt = run(m, clock, 2_000);
    expect(droppedAt).toBeGreaterThan(HARDWARE_WATCHDOG_TIMEOUT_MS);
    expect(droppedAt).toBeLessThanOrEqual(HARDWARE_WATCHDOG_TIMEOUT_MS + WATCHDOG_CHECK_MS);
    expect(m.state.relayClosed).toBe(true); // D7 still high: the watchdog, not the pin, opened it
    expect(m.sample().readings).toMatchObject({ energised: false, currentA: 0 });
    expect(m.digitalLevel(PINS.relayFeedback)).toBe(0);
    expect(COIL_RULES.find((r) => r.when(m.state))?.reason).toBe('watchdog_timeout');
  });

  it('keeps the coil powered while kicks come every 100 ms', () => {
    const { clock, m } = armed();
    expect(run(m, clock, 10_000, 100)).toBeNull();
    expect(m.sample().readings.energised).toBe(true);
  });

  it('re-energises when kicks resume while D7 is high (retriggerable)', () => {
    const { clock, m } = armed();
    run(m, clock, 1_000);
    expect(m.sample().readings.energised).toBe(false);
    m.setHeartbeatPin(m.state.heartbeat.level === 1 ? 0 : 1);
    expect(m.sample().readings.energised).toBe(true);
    expect(run(m, clock, 1_000, 100)).toBeNull();
    // A kick with D7 low charges the watchdog but the driver stays off.
    m.setRelay(false);
    expect(m.sample().readings.energised).toBe(false);
    expect(COIL_RULES.find((r) => r.when(m.state))?.reason).toBe('relay_pin_low');
  });

  it('does not trip on a stall of its own process; the window restarts from the resume', () => {
    const { clock, m } = armed();
    run(m, clock, 200, 100);
    // The whole process (simulator and host) stalls for 3 s: the first check after it is 3 s late.
    clock.advance(3_000);
    expect(m.checkWatchdog()).toBe(false);
    expect(m.sample().readings.energised).toBe(true);
    // The host resumes kicking: still powered.
    expect(run(m, clock, 1_000, 100)).toBeNull();
    // A host that stays silent after the resume is cut within the timeout from the resume.
    clock.advance(3_000);
    m.checkWatchdog();
    const droppedAt = run(m, clock, 2_000);
    expect(droppedAt).toBeGreaterThan(HARDWARE_WATCHDOG_TIMEOUT_MS - WATCHDOG_CHECK_MS);
    expect(droppedAt).toBeLessThanOrEqual(HARDWARE_WATCHDOG_TIMEOUT_MS + WATCHDOG_CHECK_MS);
  });

  it('a stall never re-powers a tripped watchdog', () => {
    const { clock, m } = armed();
    run(m, clock, 1_000);
    clock.advance(3_000);
    m.checkWatchdog();
    expect(m.sample().readings.energised).toBe(false);
  });
});

describe('pins and scales', () => {
  it('converts between engineering units and 10-bit counts', () => {
    expect(toCounts(0, SCALES.currentA)).toBe(0);
    expect(toCounts(120, SCALES.currentA)).toBe(246);
    expect(toCounts(600, SCALES.currentA)).toBe(1023);
    expect(toCounts(-3, SCALES.voltageV)).toBe(0);
    expect(fromCounts(246, SCALES.currentA)).toBeCloseTo(120.2, 1);
  });

  it('puts current (or gas flow), voltage and LEL on A0, A1, A2', () => {
    const arc = model('electric_arc', 'MMA').m;
    const r: Readings = { energised: true, currentA: 250, voltageV: 30, gasFlowLpm: 5, flame: true, lelPercent: 10 };
    const counts = arc.analogCounts(r);
    expect(counts[ANALOG_CHANNELS.current]).toBe(512);
    expect(counts[ANALOG_CHANNELS.voltage]).toBe(307);
    expect(counts[ANALOG_CHANNELS.lel]).toBe(102);
    expect(model('gas').m.analogCounts(r)[ANALOG_CHANNELS.current]).toBe(256);
  });

  it('drives the trigger and enclosure inputs (HIGH = pressed / open)', () => {
    const { m } = model('electric_arc');
    expect([m.digitalLevel(PINS.trigger), m.digitalLevel(PINS.enclosure)]).toEqual([0, 0]);
    m.setTrigger(true);
    m.setEnclosureOpen(true);
    expect([m.digitalLevel(PINS.trigger), m.digitalLevel(PINS.enclosure)]).toEqual([1, 1]);
    expect(m.digitalLevel(PINS.relay)).toBe(0);
  });

  it('starts safe: relay open, nothing pressed, no leak', () => {
    const { m } = model('gas');
    expect(m.state).toMatchObject({
      relayClosed: false,
      triggerPressed: false,
      bypass: false,
      gasLeak: false,
      enclosureOpen: false,
    });
  });
});
