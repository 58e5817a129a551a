// The physical model: a table of behaviours over the machine's state. Each behaviour says when it
// applies and what it does to the sensor readings; sampleReadings runs the matching ones in order.
// Everything random or time-dependent comes from the context, so the model is deterministic.
import { Random, gaussian } from './random';

export type MachineKind = 'electric_arc' | 'resistance' | 'gas';
export const MACHINE_KINDS: readonly MachineKind[] = ['electric_arc', 'resistance', 'gas'];

/** Arc processes: manual metal arc (stick), TIG, MIG/MAG. */
export type ArcProcess = 'MMA' | 'TIG' | 'MIG';
export const ARC_PROCESSES: readonly ArcProcess[] = ['MMA', 'TIG', 'MIG'];

export interface MachineState {
  kind: MachineKind;
  process: ArcProcess;
  /** Weld current (A) for arc machines, primary current (A) for resistance, fuel flow (L/min) for gas. */
  setpoint: number;
  /** The level the host drives on D7 (the relay driver's input); the coil also needs the watchdog. */
  relayClosed: boolean;
  /** The relay driver's supply: the retriggerable monostable on the heartbeat pin (D5). */
  heartbeat: Heartbeat;
  triggerPressed: boolean;
  triggerChangedAtMs: number;
  /** A modified machine: the output stage is wired around the contactor/valve. */
  bypass: boolean;
  /** A modified machine: its current limiter defeated, it delivers OVERDRIVE_FACTOR × the setpoint. */
  overdrive: boolean;
  /** The contactor's (valve's) own condition: welded shut, stuck open, or following its coil. */
  contacts: ContactCondition;
  enclosureOpen: boolean;
  gasLeak: boolean;
  /** Combustible gas above baseline (%LEL) at the last leak change; it relaxes from there. */
  lelAnchor: { atMs: number; excessPercent: number };
}

export type ContactCondition = 'ok' | 'welded' | 'stuck_open';
export const CONTACT_CONDITIONS: readonly ContactCondition[] = ['ok', 'welded', 'stuck_open'];

export interface Readings {
  /** Whether the output stage (transformer / gas line) is live. */
  energised: boolean;
  currentA: number;
  voltageV: number;
  gasFlowLpm: number;
  flame: boolean;
  lelPercent: number;
}

export interface ModelContext {
  nowMs: number;
  random: Random;
}

export interface Behaviour {
  name: string;
  when(state: MachineState): boolean;
  apply(state: MachineState, ctx: ModelContext, readings: Readings): void;
}

/** Per process: typical current, open-circuit voltage, and the conventional load line (IEC 60974-1). */
export const ARC_PROCESS_MODEL: Record<ArcProcess, { defaultA: number; ocvV: number; loadV: (a: number) => number }> = {
  MMA: { defaultA: 120, ocvV: 68, loadV: (a) => 20 + 0.04 * a },
  TIG: { defaultA: 110, ocvV: 60, loadV: (a) => 10 + 0.04 * a },
  MIG: { defaultA: 180, ocvV: 42, loadV: (a) => 14 + 0.05 * a },
};

/** Spot-weld programme while the trigger is held: squeeze, weld pulse, hold/off, repeat. */
export const RESISTANCE_CYCLE = { squeezeMs: 100, weldMs: 200, offMs: 200, electrodeV: 4 } as const;

export const LEL_MODEL = {
  baselinePercent: 0.8,
  /** Where a sustained leak settles, and how fast it rises / ventilates away. */
  leakPlateauPercent: 60,
  riseTauMs: 4000,
  decayTauMs: 15000,
} as const;

/** Output of an overdriven machine relative to its setpoint (electric kinds; a gas set has no limiter). */
export const OVERDRIVE_FACTOR = 1.8;

/** The flow below which a torch cannot hold a flame. */
export const FLAME_MIN_FLOW_LPM = 0.5;

export function defaultSetpoint(kind: MachineKind, process: ArcProcess): number {
  if (kind === 'electric_arc') return ARC_PROCESS_MODEL[process].defaultA;
  return kind === 'resistance' ? 180 : 8;
}

// ---- hardware watchdog: the relay driver's supply -------------------------------------------
//
// A retriggerable monostable (or charge pump) fed by the heartbeat pin D5 powers the relay driver.
// Every level change of D5 is a kick and restarts its period; without a kick for
// HARDWARE_WATCHDOG_TIMEOUT_MS it drops the driver's supply, so the coil is unpowered whatever D7
// says. Kicks resuming recharge it (retriggerable). A Firmata board keeps its pins when the host
// dies, hangs or loses the link; it cannot keep toggling D5, so power needs a live host.

/** Same value as the protocol's HARDWARE_WATCHDOG_TIMEOUT_MS (a device-agent test keeps them equal). */
export const HARDWARE_WATCHDOG_TIMEOUT_MS = 500;
/** How often the simulator looks at the monostable: the coil drops within one period of the deadline. */
export const WATCHDOG_CHECK_MS = 20;

export interface Heartbeat {
  /** D5 as last driven. */
  level: 0 | 1;
  /** Last level change of D5; null: never kicked since power-up (the monostable is uncharged). */
  lastKickAtMs: number | null;
  /** Start of the period being timed: the last kick, or a simulator stall's resume (see checkWatchdog). */
  windowFromMs: number | null;
  /** The period ran out: the driver's supply is off until the next kick. */
  tripped: boolean;
  trippedAtMs: number | null;
}

export const initialHeartbeat = (): Heartbeat => ({
  level: 0,
  lastKickAtMs: null,
  windowFromMs: null,
  tripped: false,
  trippedAtMs: null,
});

/** D5 driven to `level`: a change is a kick that (re)charges the monostable. */
export function driveHeartbeat(h: Heartbeat, level: 0 | 1, nowMs: number): Heartbeat {
  if (level === h.level) return h;
  return { level, lastKickAtMs: nowMs, windowFromMs: nowMs, tripped: false, trippedAtMs: null };
}

/** The period ran out without a kick: the supply drops. */
export function expireHeartbeat(h: Heartbeat, nowMs: number): Heartbeat {
  if (h.tripped || h.windowFromMs === null || nowMs - h.windowFromMs <= HARDWARE_WATCHDOG_TIMEOUT_MS) return h;
  return { ...h, tripped: true, trippedAtMs: nowMs };
}

/** Restarts the timed period at `nowMs` (never un-trips: only a kick recharges the monostable). */
export function restartHeartbeatWindow(h: Heartbeat, nowMs: number): Heartbeat {
  if (h.tripped || h.windowFromMs === null) return h;
  return { ...h, windowFromMs: Math.max(h.windowFromMs, nowMs) };
}

export type CoilOffReason = 'relay_pin_low' | 'no_heartbeat' | 'watchdog_timeout';

export interface CoilRule {
  reason: CoilOffReason;
  name: string;
  when(state: MachineState): boolean;
}

/** Why the coil is unpowered; the first rule that holds is the reason, none holding = powered. */
export const COIL_RULES: readonly CoilRule[] = [
  { reason: 'relay_pin_low', name: 'D7 low: the relay driver is off', when: (s) => !s.relayClosed },
  {
    reason: 'no_heartbeat',
    name: 'no D5 kick since power-up: the watchdog never powered the driver',
    when: (s) => s.heartbeat.lastKickAtMs === null,
  },
  {
    reason: 'watchdog_timeout',
    name: `no D5 kick for ${HARDWARE_WATCHDOG_TIMEOUT_MS} ms: the watchdog dropped the driver's supply`,
    when: (s) => s.heartbeat.tripped,
  },
];

export const coilOffReason = (s: MachineState): CoilOffReason | null =>
  COIL_RULES.find((r) => r.when(s))?.reason ?? null;
export const coilPowered = (s: MachineState): boolean => coilOffReason(s) === null;

/** Whether the relay's contacts are closed: they follow the coil unless welded shut or stuck open. */
export const contactsClosed = (s: MachineState): boolean =>
  s.contacts === 'ok' ? coilPowered(s) : s.contacts === 'welded';

export type OutputReason = 'coil_powered' | 'contacts_welded' | 'bypass' | 'contacts_stuck_open' | CoilOffReason;

/** Why the output stage is (not) live, for the output trace. */
export function outputReason(s: MachineState): OutputReason {
  if (contactsClosed(s)) return s.contacts === 'welded' ? 'contacts_welded' : 'coil_powered';
  if (s.bypass) return 'bypass';
  const off = coilOffReason(s);
  return off ?? 'contacts_stuck_open';
}

/** Power reaches the output through the closed contacts, or around them on a bypassed machine. */
export const isEnergised = (s: MachineState): boolean => contactsClosed(s) || s.bypass;

/** Combustible gas above baseline: exponential approach to the leak plateau, or decay to zero. */
export function lelExcessAt(s: MachineState, nowMs: number): number {
  const target = s.gasLeak ? LEL_MODEL.leakPlateauPercent : 0;
  const tau = s.gasLeak ? LEL_MODEL.riseTauMs : LEL_MODEL.decayTauMs;
  const elapsed = Math.max(0, nowMs - s.lelAnchor.atMs);
  return target + (s.lelAnchor.excessPercent - target) * Math.exp(-elapsed / tau);
}

const positive = (v: number): number => Math.max(0, v);

export const BEHAVIOURS: readonly Behaviour[] = [
  {
    name: 'output stage live only through the relay or a bypass',
    when: () => true,
    apply: (s, _ctx, r) => {
      r.energised = isEnergised(s);
    },
  },
  {
    name: 'arc machine idle: open-circuit voltage on the electrode',
    when: (s) => s.kind === 'electric_arc' && isEnergised(s) && !s.triggerPressed,
    apply: (s, ctx, r) => {
      r.voltageV = positive(ARC_PROCESS_MODEL[s.process].ocvV + 0.5 * gaussian(ctx.random));
    },
  },
  {
    name: 'arc burning: process current, voltage on the load line',
    when: (s) => s.kind === 'electric_arc' && isEnergised(s) && s.triggerPressed,
    apply: (s, ctx, r) => {
      r.currentA = positive(s.setpoint * (1 + 0.02 * gaussian(ctx.random)));
      r.voltageV = positive(ARC_PROCESS_MODEL[s.process].loadV(r.currentA) + 0.6 * gaussian(ctx.random));
    },
  },
  {
    name: 'spot welder: current pulses while the trigger is held',
    when: (s) => s.kind === 'resistance' && isEnergised(s) && s.triggerPressed,
    apply: (s, ctx, r) => {
      const { squeezeMs, weldMs, offMs, electrodeV } = RESISTANCE_CYCLE;
      const phase = (ctx.nowMs - s.triggerChangedAtMs) % (squeezeMs + weldMs + offMs);
      if (phase >= squeezeMs && phase < squeezeMs + weldMs) {
        r.currentA = positive(s.setpoint * (1 + 0.03 * gaussian(ctx.random)));
        r.voltageV = positive(electrodeV + 0.3 * gaussian(ctx.random));
      }
    },
  },
  {
    name: 'overdriven: current limiter defeated, the output runs past its rating',
    when: (s) => s.kind !== 'gas' && s.overdrive && isEnergised(s),
    apply: (s, ctx, r) => {
      if (r.currentA === 0) return;
      r.currentA *= OVERDRIVE_FACTOR;
      if (s.kind === 'electric_arc')
        r.voltageV = positive(ARC_PROCESS_MODEL[s.process].loadV(r.currentA) + 0.6 * gaussian(ctx.random));
    },
  },
  {
    name: 'gas set: fuel flows and a flame burns while the valve and the torch are open',
    when: (s) => s.kind === 'gas' && isEnergised(s) && s.triggerPressed,
    apply: (s, ctx, r) => {
      r.gasFlowLpm = positive(s.setpoint * (1 + 0.05 * gaussian(ctx.random)));
      r.flame = r.gasFlowLpm >= FLAME_MIN_FLOW_LPM;
    },
  },
  {
    name: 'combustible gas: baseline noise plus any leak',
    when: () => true,
    apply: (s, ctx, r) => {
      const baseline = LEL_MODEL.baselinePercent + 0.4 * gaussian(ctx.random);
      r.lelPercent = positive(baseline + lelExcessAt(s, ctx.nowMs));
    },
  },
];

export interface Sample {
  readings: Readings;
  /** Names of the behaviours that applied, in order (handy when a test or status line asks why). */
  applied: string[];
}

export function sampleReadings(
  state: MachineState,
  ctx: ModelContext,
  table: readonly Behaviour[] = BEHAVIOURS,
): Sample {
  const readings: Readings = { energised: false, currentA: 0, voltageV: 0, gasFlowLpm: 0, flame: false, lelPercent: 0 };
  const applied: string[] = [];
  for (const behaviour of table) {
    if (!behaviour.when(state)) continue;
    behaviour.apply(state, ctx, readings);
    applied.push(behaviour.name);
  }
  return { readings, applied };
}
