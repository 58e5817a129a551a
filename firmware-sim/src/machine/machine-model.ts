// The machine's state plus its transitions, clock and noise source; turns readings into what the
// board's pins see. No I/O here: SimulatedMachine wires this to the Firmata board and the ptys.
import { Clock, systemClock } from './clock';
import {
  ArcProcess,
  ContactCondition,
  contactsClosed,
  defaultSetpoint,
  driveHeartbeat,
  expireHeartbeat,
  initialHeartbeat,
  lelExcessAt,
  MachineKind,
  MachineState,
  Readings,
  restartHeartbeatWindow,
  Sample,
  sampleReadings,
  WATCHDOG_CHECK_MS,
} from './physics';
import { ANALOG_CHANNELS, PINS, SCALES, toCounts } from './pin-map';
import { Random, seededRandom } from './random';

export interface MachineModelOptions {
  kind: MachineKind;
  process?: ArcProcess;
  setpoint?: number;
  clock?: Clock;
  random?: Random;
}

export class MachineModel {
  private s: MachineState;
  private readonly clock: Clock;
  private readonly random: Random;
  private lastWatchdogCheckMs: number | null = null;

  constructor(options: MachineModelOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? seededRandom(1);
    const process = options.process ?? 'MMA';
    const now = this.clock.now();
    this.s = {
      kind: options.kind,
      process,
      setpoint: options.setpoint ?? defaultSetpoint(options.kind, process),
      relayClosed: false,
      heartbeat: initialHeartbeat(),
      triggerPressed: false,
      triggerChangedAtMs: now,
      bypass: false,
      overdrive: false,
      contacts: 'ok',
      enclosureOpen: false,
      gasLeak: false,
      lelAnchor: { atMs: now, excessPercent: 0 },
    };
  }

  get state(): Readonly<MachineState> {
    return this.s;
  }

  setRelay(closed: boolean): void {
    this.s = { ...this.s, relayClosed: closed };
  }

  /** The host drives D5; every level change is a watchdog kick. */
  setHeartbeatPin(level: 0 | 1): void {
    this.s = { ...this.s, heartbeat: driveHeartbeat(this.s.heartbeat, level, this.clock.now()) };
  }

  /**
   * Lets the watchdog's period run out; call every WATCHDOG_CHECK_MS. Returns true when the driver's
   * supply changed (it dropped). A real monostable does not stall, but this simulator can: when it
   * shares a process with the agent (cross-component tests), a stall of that process delays both, and
   * the simulator cannot tell a silent host from its own stall. So a check that is itself late by
   * more than its period restarts the timed period from the resume instead of tripping.
   */
  checkWatchdog(): boolean {
    const now = this.clock.now();
    const last = this.lastWatchdogCheckMs;
    this.lastWatchdogCheckMs = now;
    let h = this.s.heartbeat;
    if (last !== null && now - last > 2 * WATCHDOG_CHECK_MS) h = restartHeartbeatWindow(h, now);
    h = expireHeartbeat(h, now);
    const dropped = h.tripped !== this.s.heartbeat.tripped;
    this.s = { ...this.s, heartbeat: h };
    return dropped;
  }

  setTrigger(pressed: boolean): void {
    if (pressed === this.s.triggerPressed) return;
    this.s = { ...this.s, triggerPressed: pressed, triggerChangedAtMs: this.clock.now() };
  }

  setBypass(on: boolean): void {
    this.s = { ...this.s, bypass: on };
  }

  setContacts(contacts: ContactCondition): void {
    this.s = { ...this.s, contacts };
  }

  setOverdrive(on: boolean): void {
    this.s = { ...this.s, overdrive: on };
  }

  setEnclosureOpen(open: boolean): void {
    this.s = { ...this.s, enclosureOpen: open };
  }

  /** Re-anchors the LEL curve so the reading continues smoothly from where it is now. */
  setGasLeak(on: boolean): void {
    if (on === this.s.gasLeak) return;
    const now = this.clock.now();
    const excessPercent = lelExcessAt(this.s, now);
    this.s = { ...this.s, gasLeak: on, lelAnchor: { atMs: now, excessPercent } };
  }

  sample(): Sample {
    return sampleReadings(this.s, { nowMs: this.clock.now(), random: this.random });
  }

  /** ADC counts per analog channel for a set of readings (A0..A5; unwired channels read 0). */
  analogCounts(r: Readings): number[] {
    const counts = [0, 0, 0, 0, 0, 0];
    counts[ANALOG_CHANNELS.current] =
      this.s.kind === 'gas' ? toCounts(r.gasFlowLpm, SCALES.gasFlowLpm) : toCounts(r.currentA, SCALES.currentA);
    counts[ANALOG_CHANNELS.voltage] = toCounts(r.voltageV, SCALES.voltageV);
    counts[ANALOG_CHANNELS.lel] = toCounts(r.lelPercent, SCALES.lelPercent);
    return counts;
  }

  /** Levels on the digital inputs; anything not wired reads LOW. */
  digitalLevel(pin: number): 0 | 1 {
    if (pin === PINS.trigger) return this.s.triggerPressed ? 1 : 0;
    if (pin === PINS.enclosure) return this.s.enclosureOpen ? 1 : 0;
    if (pin === PINS.relayFeedback) return contactsClosed(this.s) ? 1 : 0;
    return 0;
  }
}
