/**
 * The control board through johnny-five over Firmata on a serialport 13 port. firmata 2.3's own
 * transport is serialport 8, whose native binding is not built here, so an opened serialport 13
 * instance is passed to firmata-io as its transport (as firmware-sim's end-to-end test does).
 *
 * Link supervision: the port closing or failing is not an 'error' but a lost link ('link' false),
 * after which the port is re-opened with back-off and the Firmata handshake re-run ('link' true once
 * the relay is driven open again). Freshness comes from firmata-io's raw 'analog-read' events
 * ('report'): johnny-five's Sensor repeats its last value on its own timer even when nothing arrives.
 */
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { Board, BoardEvents } from './board';
import { AGENT_ANALOG, AGENT_PINS, countsTo, SENSOR_SCALES } from './pin-map';
import type { LedPattern } from './state-machine.types';
import { BOARD_REOPEN_INITIAL_MS, BOARD_REOPEN_MAX_MS, BoardLinkCause, MachineKind } from '@arcgate/protocol';

// johnny-five and firmata-io ship without type declarations; these are the parts used here.
interface FirmataIo extends EventEmitter {
  MODES: { INPUT: number; OUTPUT: number };
  pinMode(pin: number, mode: number): void;
  digitalWrite(pin: number, value: 0 | 1): void;
  digitalRead(pin: number, cb: (value: number) => void): void;
  setSamplingInterval(ms: number): void;
}
interface FiveBoard extends EventEmitter {
  io: FirmataIo;
}
interface Sensor extends EventEmitter {
  disable(): void;
}
interface Led {
  on(): void;
  off(): void;
  blink(ms: number): void;
  stop(): void;
}
interface Five {
  Board: new (o: object) => FiveBoard;
  Sensor: new (o: object) => Sensor;
  Led: new (o: object) => Led;
}

export interface FiveBoardOptions {
  path: string;
  machineKind: MachineKind;
  baudRate?: number;
  /** Sensor reporting period (ms); 20 ms = 50 Hz, well above the 10 Hz the protocol needs. */
  sensorPeriodMs?: number;
  connectTimeoutMs?: number;
}

const PORT_FAILURE_CODES = new Set(['EIO', 'ENXIO', 'ENODEV', 'EBADF', 'EPIPE']);

/** An error of the serial port itself (the device or the pty went away), as opposed to a board fault. */
export function isPortFailure(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  if (code && PORT_FAILURE_CODES.has(code)) return true;
  return /\b(EIO|ENXIO|ENODEV|EBADF|EPIPE)\b|port is not open/i.test(err.message);
}

/** Re-open delay for attempt n (0-based): BOARD_REOPEN_INITIAL_MS doubling to BOARD_REOPEN_MAX_MS. */
export const boardReopenDelayMs = (attempt: number): number =>
  Math.min(BOARD_REOPEN_MAX_MS, BOARD_REOPEN_INITIAL_MS * 2 ** Math.min(Math.max(0, attempt), 20));

const LOW = 0;
const HIGH = 1;

export class JohnnyFiveBoard extends EventEmitter<BoardEvents> implements Board {
  private port: SerialPort | null = null;
  private board: FiveBoard | null = null;
  private io: FirmataIo | null = null;
  private sensors: Sensor[] = [];
  private led: Led | null = null;
  private ledPattern: LedPattern = 'off';
  private beepTimer: NodeJS.Timeout | null = null;
  private heartbeat: 0 | 1 = 0;
  private reopenTimer: NodeJS.Timeout | null = null;
  private reopenAttempt = 0;
  private stopped = true;

  constructor(private readonly options: FiveBoardOptions) {
    super();
  }

  get linkUp(): boolean {
    return this.io !== null;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    const port = this.port;
    if (!port) return;
    // Open the relay and silence the buzzer, and let the bytes reach the board before closing.
    this.setRelay(false);
    this.silence();
    await this.release(port, true);
  }

  setRelay(closed: boolean): void {
    this.io?.digitalWrite(AGENT_PINS.relay, closed ? HIGH : LOW);
  }

  kick(): void {
    const io = this.io;
    if (!io) return;
    this.heartbeat = this.heartbeat === HIGH ? LOW : HIGH;
    io.digitalWrite(AGENT_PINS.heartbeat, this.heartbeat);
  }

  dropLink(cause: BoardLinkCause): void {
    const port = this.port;
    if (!port || this.stopped) return;
    // Best effort: if the port still takes writes, the relay pin goes low too.
    this.setRelay(false);
    void this.release(port, false);
    this.lost(cause);
  }

  setLed(pattern: LedPattern): void {
    this.ledPattern = pattern;
    const led = this.led;
    if (!led) return;
    led.stop();
    if (pattern === 'on') led.on();
    else if (pattern === 'off') led.off();
    else led.blink(pattern === 'blink_fast' ? 150 : 600);
  }

  beep(ms: number): void {
    const io = this.io;
    if (!io) return;
    this.silence();
    io.digitalWrite(AGENT_PINS.buzzer, HIGH);
    this.beepTimer = setTimeout(() => {
      this.beepTimer = null;
      this.io?.digitalWrite(AGENT_PINS.buzzer, LOW);
    }, ms);
  }

  /** Opens the port, runs the Firmata handshake, drives the relay open, then wires sensors and inputs. */
  private async connect(): Promise<void> {
    const five = require('johnny-five') as Five;
    const { Firmata } = require('firmata-io') as {
      Firmata: new (transport: SerialPort, options?: object) => FirmataIo;
    };
    let failed: (err: Error) => void = () => undefined;
    // Opened by the constructor: firmata-io and johnny-five take the port's 'open' event as "connected".
    const port = new SerialPort(
      { path: this.options.path, baudRate: this.options.baudRate ?? 57600 },
      (err) => err && failed(err),
    );
    this.port = port;
    // A restarted agent meets a board that already announced itself: ask for the version soon.
    const io = new Firmata(port, { reportVersionTimeout: 300 });
    const board = new five.Board({
      io,
      repl: false,
      debug: false,
      sigint: false,
      timeout: this.options.connectTimeoutMs ?? 10_000,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        failed = reject;
        board.once('ready', () => resolve());
        board.once('error', (err: Error) => reject(err));
        port.once('close', () => reject(new Error('port closed during the handshake')));
      });
    } catch (err) {
      this.port = null;
      port.removeAllListeners('close');
      port.on('error', () => undefined);
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
      throw new Error(`control board on ${this.options.path} did not come up: ${(err as Error).message}`);
    }
    if (this.stopped || this.port !== port) {
      await this.release(port, false);
      return;
    }
    this.board = board;
    // Fail closed: the relay is driven open before anything else is set up.
    io.pinMode(AGENT_PINS.relay, io.MODES.OUTPUT);
    io.digitalWrite(AGENT_PINS.relay, LOW);
    io.pinMode(AGENT_PINS.heartbeat, io.MODES.OUTPUT);
    io.digitalWrite(AGENT_PINS.heartbeat, this.heartbeat);
    io.pinMode(AGENT_PINS.buzzer, io.MODES.OUTPUT);
    io.digitalWrite(AGENT_PINS.buzzer, LOW);
    this.io = io;

    port.on('close', () => this.portGone(port, 'port_closed'));
    port.on('error', () => this.portGone(port, 'port_error'));
    // A write that fails because the cable went away (EIO before the port's own 'error'/'close') is the
    // link failing, not the board: recorded as a lost link, so the agent does not claim it opened the relay.
    board.on('error', (err: Error) =>
      isPortFailure(err) ? this.portGone(port, 'port_error') : this.emit('error', err),
    );
    io.on('analog-read', () => this.emit('report'));

    const period = this.options.sensorPeriodMs ?? 20;
    io.setSamplingInterval(Math.max(5, Math.round(period / 2)));
    const currentScale = this.options.machineKind === 'gas' ? SENSOR_SCALES.gasFlowLpm : SENSOR_SCALES.currentA;
    const analog = (pin: string, scale: number, event: 'current' | 'voltage' | 'gas', freq: number): void => {
      const sensor = new five.Sensor({ pin, freq, board });
      sensor.on('data', (counts: number) => this.emit(event, countsTo(counts, scale)));
      this.sensors.push(sensor);
    };
    analog(AGENT_ANALOG.current, currentScale, 'current', period);
    analog(AGENT_ANALOG.voltage, SENSOR_SCALES.voltageV, 'voltage', period);
    analog(AGENT_ANALOG.lel, SENSOR_SCALES.lelPercent, 'gas', Math.max(period, 100));

    const digital = (pin: number, event: 'trigger' | 'enclosure' | 'relayFeedback'): void => {
      let last: number | null = null;
      io.pinMode(pin, io.MODES.INPUT);
      io.digitalRead(pin, (value) => {
        if (value === last) return;
        last = value;
        this.emit(event, value === HIGH);
      });
    };
    digital(AGENT_PINS.trigger, 'trigger');
    digital(AGENT_PINS.enclosure, 'enclosure');
    digital(AGENT_PINS.relayFeedback, 'relayFeedback');
    this.led = new five.Led({ pin: AGENT_PINS.statusLed, board });
    this.setLed(this.ledPattern);
  }

  private portGone(port: SerialPort, cause: BoardLinkCause): void {
    if (this.port !== port || this.stopped) return;
    void this.release(port, false);
    this.lost(cause);
  }

  private lost(cause: BoardLinkCause): void {
    this.reopenAttempt = 0;
    this.emit('link', false, cause);
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (this.stopped || this.reopenTimer) return;
    const delay = boardReopenDelayMs(this.reopenAttempt++);
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (this.stopped || this.port) return;
      this.connect().then(
        () => {
          if (!this.io) return;
          this.reopenAttempt = 0;
          this.emit('link', true);
        },
        () => this.scheduleReopen(),
      );
    }, delay);
  }

  /** Forgets the port's board, sensors and LED; closes the port (draining first when asked). */
  private async release(port: SerialPort, drain: boolean): Promise<void> {
    this.led?.stop();
    this.sensors.forEach((s) => s.disable());
    this.sensors = [];
    this.led = null;
    this.io?.removeAllListeners('analog-read');
    if (this.beepTimer) clearTimeout(this.beepTimer);
    this.beepTimer = null;
    this.port = null;
    this.io = null;
    this.board = null;
    port.removeAllListeners('close');
    port.removeAllListeners('error');
    port.on('error', () => undefined);
    if (drain && port.isOpen) await new Promise<void>((resolve) => port.drain(() => resolve()));
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private silence(): void {
    if (this.beepTimer) clearTimeout(this.beepTimer);
    this.beepTimer = null;
    this.io?.digitalWrite(AGENT_PINS.buzzer, LOW);
  }
}
