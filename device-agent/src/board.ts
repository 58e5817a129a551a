/**
 * The machine's I/O as the agent sees it. Implementations: FiveBoard (johnny-five over Firmata on
 * a serial port) and MockBoard (unit tests). start() opens the relay before anything else.
 */
import { EventEmitter } from 'node:events';
import type { BoardLinkCause } from '@arcgate/protocol';
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
  /** A raw Firmata analog report arrived (freshness: sensor 'data' events repeat on their own timer). */
  report: [];
  /**
   * The serial link went down (port closed or failed, or dropLink after silent reports) or came back
   * (re-opened and handshaken, relay driven open). While down the board re-opens with back-off.
   */
  link: [up: boolean, cause?: BoardLinkCause];
  /** Any other board failure: the agent treats it as an internal error. */
  error: [err: Error];
}

export interface Board {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** closed = true energises the contactor / opens the fuel-gas valve. */
  setRelay(closed: boolean): void;
  /** Toggles the watchdog heartbeat pin (D5): one kick. */
  kick(): void;
  /** Serial link open and handshaken. */
  readonly linkUp: boolean;
  /** The agent found the reports silent: close the port, report the link down, re-open with back-off. */
  dropLink(cause: BoardLinkCause): void;
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
  kicks = 0;
  heartbeatLevel: 0 | 1 = 0;
  linkUp = true;
  readonly dropped: BoardLinkCause[] = [];

  kick(): void {
    if (!this.linkUp) return;
    this.kicks++;
    this.heartbeatLevel = this.heartbeatLevel === 1 ? 0 : 1;
  }

  /** A test plays one analog report. */
  report(): void {
    if (this.linkUp) this.emit('report');
  }

  dropLink(cause: BoardLinkCause): void {
    this.dropped.push(cause);
    this.loseLink(cause);
  }

  /** The port went away (a test pulls the cable). */
  loseLink(cause: BoardLinkCause): void {
    if (!this.linkUp) return;
    this.linkUp = false;
    this.emit('link', false, cause);
  }

  /** The port re-opened: like FiveBoard, the relay is driven open before the link is reported up. */
  restoreLink(): void {
    if (this.linkUp) return;
    this.linkUp = true;
    this.setRelay(false);
    this.emit('link', true);
  }

  async start(): Promise<void> {
    this.setRelay(false);
    this.started = true;
  }

  async stop(): Promise<void> {
    this.setRelay(false);
    this.started = false;
  }

  setRelay(closed: boolean): void {
    if (!this.linkUp) return;
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
