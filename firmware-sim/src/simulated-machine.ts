// A whole simulated welding machine: the Firmata control board on one pty, the badge scanner on
// another, the physical model behind the pins, and the knobs a test (or the CLI) turns.
//
// Network loss: the simulator cannot cut the agent's network itself; cutNetwork()/restoreNetwork()
// set a flag that the agent-side harness acts on (drop its MQTT proxy, pause the broker, ...).
// The flag is published two ways: the 'network' event (in-process harnesses) and the state file
// <dir>/<name>.state.json (other processes: read `network`, "up" or "cut"; the file is replaced
// atomically on every change, so a reader never sees half a document).
//
// Output trace: <dir>/<name>.output.jsonl gets one line {at, energised, reason} whenever the output
// stage (transformer / gas line) goes live or dead, so another process can check intervals of
// "power without a grant" against the agent's and the server's records.
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirmataBoard } from './firmata/board';
import { realScheduler, Scheduler } from './firmata/scheduler';
import { Clock, systemClock } from './machine/clock';
import { MachineModel } from './machine/machine-model';
import {
  ArcProcess,
  CoilOffReason,
  coilOffReason,
  ContactCondition,
  MachineKind,
  OutputReason,
  outputReason,
  Readings,
  WATCHDOG_CHECK_MS,
} from './machine/physics';
import { ANALOG_CHANNELS, CONTROL_BOARD_LAYOUT, PINS } from './machine/pin-map';
import { Random, seededRandom } from './machine/random';
import { BadgeScanner } from './serial/badge-scanner';
import { openPtyPair, PtyPair, PtyProvider } from './serial/pty-pair';
import { SerialLink } from './serial/serial-link';

export const FIRMWARE_NAME = 'ArcGateSim';

export interface SimulatedMachineOptions {
  /** Letters, digits, '.', '_' and '-'; names the pty links and the state file. */
  name: string;
  kind: MachineKind;
  process?: ArcProcess;
  /** See MachineState.setpoint for the unit per kind. */
  setpoint?: number;
  /** Seed for sensor noise (ignored when random is given). */
  seed?: number;
  random?: Random;
  clock?: Clock;
  scheduler?: Scheduler;
  /** Where links and the state file go; a fresh temp directory (removed on stop) when omitted. */
  dir?: string;
  ptyProvider?: PtyProvider | 'auto';
}

export interface MachinePaths {
  dir: string;
  /** Open this with serialport as the machine's control board (the agent's /dev/ttyUSB0). */
  serialPath: string;
  /** Open this to read badge scans, one code per CR LF line. */
  scannerPath: string;
  /** The simulator's own end of the Firmata line. */
  boardPath: string;
  stateFile: string;
  /** One JSON line per output on/off transition: {at, energised, reason}. */
  outputTrace: string;
}

export type NetworkState = 'up' | 'cut';

export interface WatchdogSnapshot {
  /** Age of the last D5 level change (ms); null: never kicked since power-up. */
  kickAgeMs: number | null;
  lastKickAt: string | null;
  /** The monostable ran out: the relay driver has no supply until the next kick. */
  tripped: boolean;
  trippedAt: string | null;
  /** Why the coil is unpowered (null: powered). */
  coilOffReason: CoilOffReason | null;
}

export interface OutputTransition {
  at: string;
  energised: boolean;
  reason: OutputReason | 'powered_off';
}

export interface MachineSnapshot {
  name: string;
  kind: MachineKind;
  process: ArcProcess;
  setpoint: number;
  running: boolean;
  /** As last driven by the host on D7 (an open relay is the safe default). */
  relayClosed: boolean;
  /** The coil is energised: D7 high and the hardware watchdog kept alive by D5 kicks. */
  coilPowered: boolean;
  watchdog: WatchdogSnapshot;
  triggerPressed: boolean;
  enclosureOpen: boolean;
  bypass: boolean;
  overdrive: boolean;
  contacts: ContactCondition;
  gasLeak: boolean;
  network: NetworkState;
  statusLed: boolean;
  buzzer: boolean;
  hostConnected: boolean;
  readings: Readings;
  /** What the host reads on A0..A2 for those readings. */
  counts: { current: number; voltage: number; lel: number };
  paths: MachinePaths | null;
  updatedAt: string;
}

export interface SimulatedMachineEvents {
  relay: [closed: boolean];
  /** The output stage went live or dead (relay + watchdog + contacts + bypass). */
  output: [transition: OutputTransition];
  statusLed: [on: boolean];
  buzzer: [on: boolean];
  network: [state: NetworkState];
  /** The host sent SYSTEM_RESET. */
  reset: [];
  hostConnected: [];
  scan: [code: string];
  change: [snapshot: MachineSnapshot];
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export class SimulatedMachine extends EventEmitter<SimulatedMachineEvents> {
  private model: MachineModel | null = null;
  private board: FirmataBoard | null = null;
  private link: SerialLink | null = null;
  private firmataPty: PtyPair | null = null;
  private scanner: BadgeScanner | null = null;
  private currentPaths: MachinePaths | null = null;
  private ownDir = false;
  private network: NetworkState = 'up';
  private statusLed = false;
  private buzzer = false;
  private stateWrites: Promise<void> = Promise.resolve();
  private cancelWatchdog: (() => void) | null = null;
  private energised = false;

  constructor(private readonly options: SimulatedMachineOptions) {
    super();
  }

  get name(): string {
    return this.options.name;
  }

  get running(): boolean {
    return this.board !== null;
  }

  get paths(): MachinePaths {
    if (!this.currentPaths) throw new Error(`machine ${this.name} is not started`);
    return this.currentPaths;
  }

  async start(): Promise<MachinePaths> {
    if (this.currentPaths) return this.currentPaths;
    const { name } = this.options;
    if (!NAME_PATTERN.test(name)) throw new Error(`machine name must match ${NAME_PATTERN}, got "${name}"`);

    this.ownDir = this.options.dir === undefined;
    const dir = this.options.dir ?? (await fs.mkdtemp(join(tmpdir(), `arcgate-sim-${name}-`)));
    try {
      await fs.mkdir(dir, { recursive: true });
      const provider = this.options.ptyProvider;
      this.firmataPty = await openPtyPair({
        dir,
        boardName: `${name}-firmata.board`,
        hostName: `${name}-firmata`,
        provider,
      });
      this.scanner = new BadgeScanner({
        pty: { dir, boardName: `${name}-scanner.board`, hostName: `${name}-scanner`, provider },
      });
      await this.scanner.start();

      this.model = new MachineModel({
        kind: this.options.kind,
        process: this.options.process,
        setpoint: this.options.setpoint,
        clock: this.options.clock ?? systemClock,
        random: this.options.random ?? seededRandom(this.options.seed ?? Date.now()),
      });
      const link = new SerialLink(this.firmataPty.boardPath);
      const board = this.createBoard(this.model, link);
      await link.open((chunk) => board.receive(chunk));
      this.link = link;
      this.board = board;
      this.currentPaths = {
        dir,
        serialPath: this.firmataPty.hostPath,
        scannerPath: this.scanner.path,
        boardPath: this.firmataPty.boardPath,
        stateFile: join(dir, `${name}.state.json`),
        outputTrace: join(dir, `${name}.output.jsonl`),
      };
      board.start();
      // The watchdog runs on its own timer: it must drop the coil even when no pin traffic arrives.
      this.cancelWatchdog = (this.options.scheduler ?? realScheduler).every(WATCHDOG_CHECK_MS, () => {
        if (this.model?.checkWatchdog()) {
          this.board?.inputsChanged();
          this.changed();
        }
      });
      this.changed();
      await this.stateWrites;
      return this.currentPaths;
    } catch (err) {
      await this.teardown(dir);
      throw err;
    }
  }

  /** Powers the machine off: the board drops every output (the relay opens), then the lines close. */
  async stop(): Promise<void> {
    if (!this.currentPaths) return;
    const { dir } = this.currentPaths;
    this.cancelWatchdog?.();
    this.cancelWatchdog = null;
    this.board?.stop();
    this.board = null;
    this.changed();
    await this.stateWrites;
    await this.teardown(dir);
  }

  pressTrigger(): void {
    this.act((m) => m.setTrigger(true));
  }

  releaseTrigger(): void {
    this.act((m) => m.setTrigger(false));
  }

  openEnclosure(): void {
    this.act((m) => m.setEnclosureOpen(true));
  }

  closeEnclosure(): void {
    this.act((m) => m.setEnclosureOpen(false));
  }

  startBypass(): void {
    this.act((m) => m.setBypass(true));
  }

  stopBypass(): void {
    this.act((m) => m.setBypass(false));
  }

  /** A machine modified past its rating: the arc current runs at OVERDRIVE_FACTOR × the setpoint. */
  startOverdrive(): void {
    this.act((m) => m.setOverdrive(true));
  }

  stopOverdrive(): void {
    this.act((m) => m.setOverdrive(false));
  }

  /** The contactor (valve) fails: contacts welded shut, stuck open, or back to normal ('ok'). */
  setContacts(contacts: ContactCondition): void {
    this.act((m) => m.setContacts(contacts));
  }

  startGasLeak(): void {
    this.act((m) => m.setGasLeak(true));
  }

  stopGasLeak(): void {
    this.act((m) => m.setGasLeak(false));
  }

  cutNetwork(): void {
    this.setNetwork('cut');
  }

  restoreNetwork(): void {
    this.setNetwork('up');
  }

  async scanBadge(code: string): Promise<void> {
    if (!this.scanner || !this.running) throw new Error(`machine ${this.name} is not started`);
    await this.scanner.scan(code);
    this.emit('scan', code);
  }

  snapshot(): MachineSnapshot {
    const model = this.requireModel();
    const { readings } = model.sample();
    const counts = model.analogCounts(readings);
    const s = model.state;
    const now = (this.options.clock ?? systemClock).now();
    return {
      name: this.name,
      kind: s.kind,
      process: s.process,
      setpoint: s.setpoint,
      running: this.running,
      relayClosed: s.relayClosed,
      coilPowered: coilOffReason(s) === null,
      watchdog: {
        kickAgeMs: s.heartbeat.lastKickAtMs === null ? null : Math.max(0, now - s.heartbeat.lastKickAtMs),
        lastKickAt: s.heartbeat.lastKickAtMs === null ? null : new Date(s.heartbeat.lastKickAtMs).toISOString(),
        tripped: s.heartbeat.tripped,
        trippedAt: s.heartbeat.trippedAtMs === null ? null : new Date(s.heartbeat.trippedAtMs).toISOString(),
        coilOffReason: coilOffReason(s),
      },
      triggerPressed: s.triggerPressed,
      enclosureOpen: s.enclosureOpen,
      bypass: s.bypass,
      overdrive: s.overdrive,
      contacts: s.contacts,
      gasLeak: s.gasLeak,
      network: this.network,
      statusLed: this.statusLed,
      buzzer: this.buzzer,
      hostConnected: this.board?.hostConnected ?? false,
      readings,
      counts: {
        current: counts[ANALOG_CHANNELS.current],
        voltage: counts[ANALOG_CHANNELS.voltage],
        lel: counts[ANALOG_CHANNELS.lel],
      },
      paths: this.currentPaths,
      updatedAt: new Date().toISOString(),
    };
  }

  /** Resolves when pending state-file writes are on disk. */
  flushState(): Promise<void> {
    return this.stateWrites;
  }

  private createBoard(model: MachineModel, link: SerialLink): FirmataBoard {
    const board = new FirmataBoard({
      layout: CONTROL_BOARD_LAYOUT,
      firmwareName: FIRMWARE_NAME,
      scheduler: this.options.scheduler,
      write: (bytes) => link.write(bytes),
      inputs: {
        digitalLevel: (pin) => model.digitalLevel(pin),
        sampleAnalog: () => model.analogCounts(model.sample().readings),
      },
    });
    board.on('output', (pin, level) => {
      const on = level === 1;
      if (pin === PINS.heartbeat) {
        // A kick only matters to the state file when it re-powers the coil (every kick would be 10 writes/s).
        const wasTripped = model.state.heartbeat.tripped || model.state.heartbeat.lastKickAtMs === null;
        model.setHeartbeatPin(level);
        if (!wasTripped) return;
        board.inputsChanged();
      } else if (pin === PINS.relay) {
        model.setRelay(on);
        // The auxiliary contact (D4) follows the contacts.
        board.inputsChanged();
        this.emit('relay', on);
      } else if (pin === PINS.statusLed) {
        this.statusLed = on;
        this.emit('statusLed', on);
      } else if (pin === PINS.buzzer) {
        this.buzzer = on;
        this.emit('buzzer', on);
      } else {
        return;
      }
      this.changed();
    });
    board.on('reset', () => this.emit('reset'));
    board.on('hostConnected', () => {
      this.emit('hostConnected');
      this.changed();
    });
    return board;
  }

  private act(change: (model: MachineModel) => void): void {
    const model = this.requireModel();
    if (!this.running) throw new Error(`machine ${this.name} is not started`);
    change(model);
    this.board?.inputsChanged();
    this.changed();
  }

  private setNetwork(state: NetworkState): void {
    if (!this.running) throw new Error(`machine ${this.name} is not started`);
    if (state === this.network) return;
    this.network = state;
    this.emit('network', state);
    this.changed();
  }

  private requireModel(): MachineModel {
    if (!this.model) throw new Error(`machine ${this.name} is not started`);
    return this.model;
  }

  private changed(): void {
    const snapshot = this.snapshot();
    this.emit('change', snapshot);
    const transition = this.outputTransition(snapshot);
    if (transition) this.emit('output', transition);
    const file = this.currentPaths?.stateFile;
    if (!file) return;
    const trace = this.currentPaths?.outputTrace;
    if (transition && trace) {
      const line = `${JSON.stringify(transition)}\n`;
      this.stateWrites = this.stateWrites.then(() => fs.appendFile(trace, line)).catch(() => undefined);
    }
    const body = `${JSON.stringify(snapshot, null, 2)}\n`;
    // Serialised and atomic (write then rename) so readers never see a torn file.
    this.stateWrites = this.stateWrites
      .then(async () => {
        const tmp = `${file}.tmp`;
        await fs.writeFile(tmp, body);
        await fs.rename(tmp, file);
      })
      .catch(() => undefined);
  }

  /** A line for the output trace when the output stage went live or dead since the last one. */
  private outputTransition(snapshot: MachineSnapshot): OutputTransition | null {
    const energised = snapshot.running && snapshot.readings.energised;
    if (energised === this.energised) return null;
    this.energised = energised;
    const at = new Date((this.options.clock ?? systemClock).now()).toISOString();
    return { at, energised, reason: snapshot.running && this.model ? outputReason(this.model.state) : 'powered_off' };
  }

  private async teardown(dir: string): Promise<void> {
    const { link, scanner, firmataPty } = this;
    this.link = null;
    this.scanner = null;
    this.firmataPty = null;
    this.currentPaths = null;
    await link?.close();
    await scanner?.stop();
    await firmataPty?.close();
    if (this.ownDir) await fs.rm(dir, { recursive: true, force: true });
  }
}
