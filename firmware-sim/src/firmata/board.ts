// The firmware side of Firmata: what StandardFirmata does on an Arduino, over any byte transport.
// The board knows pins, modes and reporting; what is wired to the pins comes from BoardInputs
// (levels and ADC counts) and goes out as 'output' events (levels the host drives).
import { EventEmitter } from 'node:events';
import { DEFAULT_SAMPLING_INTERVAL_MS, PIN_MODE, PROTOCOL_VERSION } from './constants';
import { encodeMessage, FirmataMessage, ModeCapability } from './messages';
import { FirmataParser } from './parser';
import { realScheduler, Scheduler } from './scheduler';

export interface PinDefinition {
  modes: ModeCapability[];
  analogChannel: number | null;
}

export interface BoardLayout {
  pins: PinDefinition[];
}

/** The outside world as seen by the board's inputs. */
export interface BoardInputs {
  /** Level driven on a digital input pin. */
  digitalLevel(pin: number): 0 | 1;
  /** ADC counts per analog channel, sampled once per reporting tick. */
  sampleAnalog(): readonly number[];
}

export interface FirmataBoardOptions {
  layout: BoardLayout;
  inputs: BoardInputs;
  /** Sends bytes to the host (the serial port). */
  write: (bytes: Buffer) => void;
  firmwareName?: string;
  firmwareVersion?: { major: number; minor: number };
  scheduler?: Scheduler;
  /** Re-send REPORT_VERSION + firmware every this many ms until the host first speaks (a board booting). */
  announceEveryMs?: number;
}

/** Shortest sampling interval accepted; keeps a greedy host from saturating shared CPUs. */
export const MIN_SAMPLING_INTERVAL_MS = 5;

interface PinRuntime {
  mode: number;
  /** OUTPUT: written level; PWM: duty; INPUT: pull-up enabled (legacy write). */
  value: number;
}

export interface FirmataBoardEvents {
  output: [pin: number, level: 0 | 1];
  reset: [];
  hostConnected: [];
  message: [message: FirmataMessage];
}

export class FirmataBoard extends EventEmitter<FirmataBoardEvents> {
  readonly firmwareName: string;
  private readonly parser = new FirmataParser('host-to-board');
  private readonly scheduler: Scheduler;
  private pins: PinRuntime[] = [];
  private analogReporting = new Set<number>();
  private digitalReporting = new Set<number>();
  private lastPortReport = new Map<number, number>();
  private intervalMs = DEFAULT_SAMPLING_INTERVAL_MS;
  private cancelSampling: (() => void) | null = null;
  private cancelAnnounce: (() => void) | null = null;
  private hostSeen = false;
  private running = false;

  constructor(private readonly options: FirmataBoardOptions) {
    super();
    this.firmwareName = options.firmwareName ?? 'ArcGateSim';
    this.scheduler = options.scheduler ?? realScheduler;
  }

  get samplingIntervalMs(): number {
    return this.intervalMs;
  }

  get hostConnected(): boolean {
    return this.hostSeen;
  }

  /** Powers the board up: pins to their reset state, then announce like a freshly booted board. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.resetPins();
    this.restartSampling();
    this.announce();
    const every = this.options.announceEveryMs ?? 1000;
    if (every > 0) this.cancelAnnounce = this.scheduler.every(every, () => this.announce());
  }

  /** Powers the board down: every output drops (the relay opens) and nothing is sent any more. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.cancelSampling?.();
    this.cancelSampling = null;
    this.stopAnnouncing();
    // Unpowered, nothing drives a load.
    this.mutate(() => this.pins.forEach((p) => (p.value = 0)));
  }

  /** Bytes received from the host. */
  receive(chunk: Uint8Array): void {
    if (!this.running) return;
    for (const message of this.parser.push(chunk)) {
      if (!this.hostSeen) {
        this.hostSeen = true;
        this.stopAnnouncing();
        this.emit('hostConnected');
      }
      this.emit('message', message);
      this.handle(message);
    }
  }

  /** Call when something wired to an input changed so digital reports go out at once. */
  inputsChanged(): void {
    if (this.running) this.reportDigitalChanges();
  }

  pinMode(pin: number): number | undefined {
    return this.pins[pin]?.mode;
  }

  /** The level a pin drives into its load: OUTPUT as written, PWM on when the duty is non-zero. */
  outputLevel(pin: number): 0 | 1 {
    const p = this.pins[pin];
    if (!p) return 0;
    if (p.mode === PIN_MODE.OUTPUT) return p.value ? 1 : 0;
    if (p.mode === PIN_MODE.PWM) return p.value > 0 ? 1 : 0;
    return 0;
  }

  pwmValue(pin: number): number {
    const p = this.pins[pin];
    return p && p.mode === PIN_MODE.PWM ? p.value : 0;
  }

  private handle(m: FirmataMessage): void {
    switch (m.type) {
      case 'versionQuery':
        return this.send({ type: 'version', ...PROTOCOL_VERSION });
      case 'firmwareQuery':
        return this.sendFirmware();
      case 'capabilityQuery':
        return this.send({ type: 'capabilities', pins: this.options.layout.pins.map((p) => p.modes) });
      case 'analogMappingQuery':
        return this.send({ type: 'analogMapping', channels: this.options.layout.pins.map((p) => p.analogChannel) });
      case 'pinStateQuery': {
        const p = this.pins[m.pin];
        if (p) this.send({ type: 'pinState', pin: m.pin, mode: p.mode, state: p.value });
        return;
      }
      case 'setPinMode':
        return this.setPinMode(m.pin, m.mode);
      case 'setDigitalPinValue':
        return this.mutate(() => {
          const p = this.pins[m.pin];
          if (p && (p.mode === PIN_MODE.OUTPUT || p.mode === PIN_MODE.INPUT)) p.value = m.value;
        });
      case 'digitalPort':
        return this.writePort(m.port, m.value);
      case 'analog':
        return this.writePwm(m.channel, m.value);
      case 'extendedAnalog':
        return this.writePwm(m.pin, m.value);
      case 'reportAnalog':
        return this.setAnalogReporting(m.channel, m.enable);
      case 'reportDigital':
        if (m.enable) {
          this.digitalReporting.add(m.port);
          this.reportPort(m.port);
        } else {
          this.digitalReporting.delete(m.port);
        }
        return;
      case 'samplingInterval':
        this.intervalMs = Math.max(MIN_SAMPLING_INTERVAL_MS, m.ms);
        this.restartSampling();
        return;
      case 'systemReset':
        this.mutate(() => this.resetPins());
        this.restartSampling();
        this.emit('reset');
        return;
      default:
        // Board-to-host messages, strings and unknown sysex: a real board ignores them too.
        return;
    }
  }

  private setPinMode(pin: number, mode: number): void {
    const def = this.options.layout.pins[pin];
    if (!def) return;
    if (!def.modes.some((c) => c.mode === mode)) {
      this.send({ type: 'string', text: `pin ${pin} does not support mode ${mode}` });
      return;
    }
    this.mutate(() => {
      this.pins[pin] = { mode, value: 0 };
    });
    if (mode === PIN_MODE.INPUT || mode === PIN_MODE.PULLUP) this.reportDigitalChanges();
  }

  private writePort(port: number, value: number): void {
    this.mutate(() => {
      for (let bit = 0; bit < 8; bit++) {
        const p = this.pins[port * 8 + bit];
        if (p && (p.mode === PIN_MODE.OUTPUT || p.mode === PIN_MODE.INPUT)) p.value = (value >> bit) & 1;
      }
    });
  }

  private writePwm(pin: number, value: number): void {
    this.mutate(() => {
      const p = this.pins[pin];
      if (p && p.mode === PIN_MODE.PWM) p.value = value;
    });
  }

  private setAnalogReporting(channel: number, enable: boolean): void {
    if (!enable) {
      this.analogReporting.delete(channel);
      return;
    }
    if (!this.options.layout.pins.some((p) => p.analogChannel === channel)) return;
    this.analogReporting.add(channel);
    // Report at once so a reconnecting host learns the value without waiting a tick.
    const counts = this.options.inputs.sampleAnalog();
    this.send({ type: 'analog', channel, value: clampCounts(counts[channel]) });
  }

  /** Runs a pin mutation and emits 'output' for every pin whose driven level changed. */
  private mutate(change: () => void): void {
    const before = this.pins.map((_, pin) => this.outputLevel(pin));
    change();
    this.pins.forEach((_, pin) => {
      const level = this.outputLevel(pin);
      if (level !== before[pin]) this.emit('output', pin, level);
    });
  }

  /** StandardFirmata's systemResetCallback: analog pins to ANALOG, the rest OUTPUT LOW, reporting off. */
  private resetPins(): void {
    this.pins = this.options.layout.pins.map((def) => ({
      mode: def.modes.length === 0 ? PIN_MODE.IGNORE : def.analogChannel !== null ? PIN_MODE.ANALOG : PIN_MODE.OUTPUT,
      value: 0,
    }));
    this.analogReporting.clear();
    this.digitalReporting.clear();
    this.lastPortReport.clear();
    this.intervalMs = DEFAULT_SAMPLING_INTERVAL_MS;
  }

  private restartSampling(): void {
    this.cancelSampling?.();
    this.cancelSampling = this.scheduler.every(this.intervalMs, () => this.tick());
  }

  private tick(): void {
    if (this.analogReporting.size > 0) {
      const counts = this.options.inputs.sampleAnalog();
      for (const channel of [...this.analogReporting].sort((a, b) => a - b)) {
        this.send({ type: 'analog', channel, value: clampCounts(counts[channel]) });
      }
    }
    this.reportDigitalChanges();
  }

  private portValue(port: number): number {
    let value = 0;
    for (let bit = 0; bit < 8; bit++) {
      const pin = port * 8 + bit;
      const p = this.pins[pin];
      if (p && (p.mode === PIN_MODE.INPUT || p.mode === PIN_MODE.PULLUP)) {
        value |= this.options.inputs.digitalLevel(pin) << bit;
      }
    }
    return value;
  }

  private reportPort(port: number): void {
    const value = this.portValue(port);
    this.lastPortReport.set(port, value);
    this.send({ type: 'digitalPort', port, value });
  }

  private reportDigitalChanges(): void {
    for (const port of this.digitalReporting) {
      if (this.portValue(port) !== this.lastPortReport.get(port)) this.reportPort(port);
    }
  }

  private announce(): void {
    this.send({ type: 'version', ...PROTOCOL_VERSION });
    this.sendFirmware();
  }

  private stopAnnouncing(): void {
    this.cancelAnnounce?.();
    this.cancelAnnounce = null;
  }

  private sendFirmware(): void {
    const version = this.options.firmwareVersion ?? { major: 1, minor: 0 };
    this.send({ type: 'firmware', ...version, name: this.firmwareName });
  }

  private send(message: FirmataMessage): void {
    this.options.write(encodeMessage(message));
  }
}

function clampCounts(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return 0;
  return Math.min(1023, Math.max(0, Math.round(value)));
}
