/**
 * The machine's I/O as the agent sees it. Implementations: FiveBoard (johnny-five over Firmata on
 * a serial port) and MockBoard (unit tests). start() opens the relay before anything else.
 */
import { EventEmitter } from 'node:events';
import type { LedPattern } from './state-machine.types';

export interface BoardEvents {
  /** Arc current in A (gas sets: fuel flow in L/min, on the same channel). */
  current: [value: number];
  voltage: [volts: number];
  /** Combustible gas in %LEL. */
  gas: [percentLel: number];
  trigger: [pressed: boolean];
  enclosure: [open: boolean];
  /** The relay's auxiliary contact: true = contacts closed (valve open), whatever was commanded. */
  relayFeedback: [closed: boolean];
  /** The board link failed (serial port gone, Firmata error): the agent treats it as an internal error. */
  error: [err: Error];
}

export interface Board {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** closed = true energises the contactor / opens the fuel-gas valve. */
  setRelay(closed: boolean): void;
  setLed(pattern: LedPattern): void;
  beep(ms: number): void;
  on<E extends keyof BoardEvents>(event: E, listener: (...args: BoardEvents[E]) => void): this;
  off<E extends keyof BoardEvents>(event: E, listener: (...args: BoardEvents[E]) => void): this;
}

/** A board in memory: records what the agent drives and lets a test play the machine. */
export class MockBoard extends EventEmitter<BoardEvents> implements Board {
  relayClosed = false;
  led: LedPattern = 'off';
  readonly beeps: number[] = [];
  /** Every relay command in order (true = closed). */
  readonly relayLog: boolean[] = [];
  started = false;
  /** Contacts that no longer follow the coil: the auxiliary contact then reports this instead. */
  stuckContacts: boolean | null = null;

  async start(): Promise<void> {
    this.setRelay(false);
    this.started = true;
  }

  async stop(): Promise<void> {
    this.setRelay(false);
    this.started = false;
  }

  setRelay(closed: boolean): void {
    this.relayClosed = closed;
    this.relayLog.push(closed);
    // The auxiliary contact reports a moment later, as a real board's input report would.
    setImmediate(() => this.emit('relayFeedback', this.stuckContacts ?? this.relayClosed));
  }

  setLed(pattern: LedPattern): void {
    this.led = pattern;
  }

  beep(ms: number): void {
    this.beeps.push(ms);
  }
}
