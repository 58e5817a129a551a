// End to end: a SimulatedMachine behind a real pty, driven by johnny-five over serialport 13
// exactly as the device agent will drive a real control board on /dev/ttyUSB0.
import { EventEmitter, once } from 'node:events';
import { promises as fs } from 'node:fs';
import { ReadlineParser, SerialPort } from 'serialport';
import { ANALOG_CHANNELS, fromCounts, PINS, SCALES } from '../machine/pin-map';
import { findExecutable } from '../serial/pty-pair';
import { MachinePaths, SimulatedMachine } from '../simulated-machine';

// johnny-five and firmata-io ship without type declarations; these are the parts used here.
interface FirmataIo extends EventEmitter {
  firmware: { name: string };
  pins: { value?: number; mode?: number; analogChannel?: number }[];
  analogPins: number[];
  MODES: { INPUT: number; OUTPUT: number };
  pinMode(pin: number, mode: number): void;
  digitalWrite(pin: number, value: number): void;
  digitalRead(pin: number, cb: (value: number) => void): void;
  reset(): void;
}
interface Five {
  Board: new (o: object) => EventEmitter & { io: FirmataIo; pins: unknown[] };
  Relay: new (o: object) => { close(): void; open(): void };
  Led: new (pin: number) => { on(): void; off(): void };
  Pin: new (o: object) => { high(): void; low(): void };
  Button: new (o: object) => EventEmitter;
  Sensor: new (o: object) => EventEmitter & { value: number; disable(): void };
}
const five = require('johnny-five') as Five;
// Not require('firmata'): its default transport is serialport 8, whose native binding is not built.
const { Firmata } = require('firmata-io') as { Firmata: new (transport: SerialPort, options?: object) => FirmataIo };

jest.setTimeout(20_000);

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A healthy host toggles the watchdog heartbeat (D5) every 100 ms; returns the stop function. */
function kickHeartbeat(io: FirmataIo): () => void {
  let level = 0;
  io.pinMode(PINS.heartbeat, io.MODES.OUTPUT);
  const timer = setInterval(() => io.digitalWrite(PINS.heartbeat, (level ^= 1)), 100);
  return () => clearInterval(timer);
}

describe('SimulatedMachine driven by johnny-five over a real pty', () => {
  let machine: SimulatedMachine;
  let paths: MachinePaths;
  let port: SerialPort;
  let io: FirmataIo;
  let board: EventEmitter & { io: FirmataIo; pins: unknown[] };
  let current: InstanceType<Five['Sensor']>;
  let voltage: InstanceType<Five['Sensor']>;
  let lel: InstanceType<Five['Sensor']>;
  const relayEvents: boolean[] = [];
  let stopKicking: () => void = () => undefined;

  /** Latest raw reading on an analog channel, as the host library holds it. */
  const analog = (channel: number): number => io.pins[io.analogPins[channel]].value ?? 0;
  /** Waits for a few fresh reports so a reading reflects the machine's new state. */
  const settle = (): Promise<void> => sleep(120);

  beforeAll(async () => {
    machine = new SimulatedMachine({ name: 'M1', kind: 'electric_arc', process: 'MMA', seed: 11 });
    machine.on('relay', (closed) => relayEvents.push(closed));
    paths = await machine.start();

    port = new SerialPort({ path: paths.serialPath, baudRate: 57600 });
    io = new Firmata(port);
    board = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: 10_000 });
    await once(board, 'ready');
    current = new five.Sensor({ pin: 'A0', freq: 25 });
    voltage = new five.Sensor({ pin: 'A1', freq: 25 });
    lel = new five.Sensor({ pin: 'A2', freq: 25 });
    stopKicking = kickHeartbeat(io);
  });

  afterAll(async () => {
    stopKicking();
    [current, voltage, lel].forEach((s) => s?.disable());
    if (port?.isOpen) await new Promise((r) => port.close(r));
    await machine?.stop();
  });

  it('comes up as an ArcGateSim Firmata board with an Uno-like pin table', () => {
    expect(io.firmware.name).toBe('ArcGateSim');
    expect(board.pins).toHaveLength(20);
    expect(io.analogPins).toEqual([14, 15, 16, 17, 18, 19]);
    expect(machine.snapshot().hostConnected).toBe(true);
  });

  it('closes and opens the contactor when the host drives D7', async () => {
    const relay = new five.Relay({ pin: PINS.relay, type: 'NO' });
    relay.close();
    await waitFor('relay closed', () => machine.snapshot().relayClosed);
    relay.open();
    await waitFor('relay open', () => !machine.snapshot().relayClosed);
    expect(relayEvents).toEqual([true, false]);
  });

  it('reads arc current and voltage only while the relay is closed and the trigger is pressed', async () => {
    const relay = new five.Relay({ pin: PINS.relay, type: 'NO' });
    const trigger = new five.Button({ pin: PINS.trigger });
    const presses: string[] = [];
    trigger.on('press', () => presses.push('press'));
    trigger.on('release', () => presses.push('release'));

    relay.close();
    await waitFor('relay closed', () => machine.snapshot().relayClosed);
    await settle();
    // Relay closed, no arc: open-circuit voltage, no current.
    expect(analog(ANALOG_CHANNELS.current)).toBe(0);
    expect(fromCounts(analog(ANALOG_CHANNELS.voltage), SCALES.voltageV)).toBeGreaterThan(60);

    machine.pressTrigger();
    await waitFor('trigger press on the host', () => presses.includes('press'));
    await settle();
    const amps = fromCounts(current.value, SCALES.currentA);
    expect(amps).toBeGreaterThan(100);
    expect(amps).toBeLessThan(140);
    const volts = fromCounts(voltage.value, SCALES.voltageV);
    expect(volts).toBeGreaterThan(21);
    expect(volts).toBeLessThan(29);

    relay.open();
    await waitFor('relay open', () => !machine.snapshot().relayClosed);
    await settle();
    expect(analog(ANALOG_CHANNELS.current)).toBe(0);
    expect(analog(ANALOG_CHANNELS.voltage)).toBe(0);

    machine.releaseTrigger();
    await waitFor('trigger release on the host', () => presses.includes('release'));
  });

  it('shows current with the relay open on a bypassed machine', async () => {
    expect(machine.snapshot().relayClosed).toBe(false);
    machine.startBypass();
    machine.pressTrigger();
    await settle();
    expect(fromCounts(analog(ANALOG_CHANNELS.current), SCALES.currentA)).toBeGreaterThan(100);
    machine.stopBypass();
    await settle();
    expect(analog(ANALOG_CHANNELS.current)).toBe(0);
    machine.releaseTrigger();
  });

  it('raises the LEL reading on A2 during a gas leak', async () => {
    const baseline = fromCounts(lel.value, SCALES.lelPercent);
    expect(baseline).toBeLessThan(3);
    machine.startGasLeak();
    await waitFor('LEL above 8 %', () => fromCounts(analog(ANALOG_CHANNELS.lel), SCALES.lelPercent) > 8, 3000);
    machine.stopGasLeak();
  });

  it('reports the enclosure tamper switch on D3 (HIGH = open)', async () => {
    const seen: number[] = [];
    io.pinMode(PINS.enclosure, io.MODES.INPUT);
    io.digitalRead(PINS.enclosure, (value) => seen.push(value));
    machine.openEnclosure();
    await waitFor('D3 high', () => seen.at(-1) === 1);
    machine.closeEnclosure();
    await waitFor('D3 low', () => seen.at(-1) === 0);
  });

  it('lights the status LED and sounds the buzzer when the host drives them', async () => {
    const led = new five.Led(PINS.statusLed);
    const buzzer = new five.Pin({ pin: PINS.buzzer, type: 'digital' });
    led.on();
    buzzer.high();
    await waitFor('led and buzzer on', () => machine.snapshot().statusLed && machine.snapshot().buzzer);
    led.off();
    buzzer.low();
    await waitFor('led and buzzer off', () => !machine.snapshot().statusLed && !machine.snapshot().buzzer);
  });

  it('emits scanned badges as lines on the scanner pty', async () => {
    const scannerPort = new SerialPort({ path: paths.scannerPath, baudRate: 9600 });
    const lines = scannerPort.pipe(new ReadlineParser({ delimiter: '\r\n' }));
    await once(scannerPort, 'open');
    const line = once(lines, 'data');
    await machine.scanBadge('https://arcgate.example/c/W-ZHANG-01');
    expect((await line)[0]).toBe('https://arcgate.example/c/W-ZHANG-01');
    await new Promise((r) => scannerPort.close(r));
  });

  it('publishes a network cut as an event and in the state file', async () => {
    const events: string[] = [];
    machine.on('network', (state) => events.push(state));
    machine.cutNetwork();
    await machine.flushState();
    expect(JSON.parse(await fs.readFile(paths.stateFile, 'utf8'))).toMatchObject({ name: 'M1', network: 'cut' });
    machine.restoreNetwork();
    await machine.flushState();
    expect(JSON.parse(await fs.readFile(paths.stateFile, 'utf8'))).toMatchObject({ network: 'up' });
    expect(events).toEqual(['cut', 'up']);
  });

  it('drops the coil when the host stops kicking D5, whatever D7 says, and traces the output', async () => {
    const relay = new five.Relay({ pin: PINS.relay, type: 'NO' });
    relay.close();
    await waitFor('output live', () => machine.snapshot().readings.energised);
    stopKicking();
    const stoppedAt = Date.now();
    await waitFor('coil dropped by the watchdog', () => !machine.snapshot().coilPowered, 2_000);
    const elapsed = Date.now() - stoppedAt;
    expect(elapsed).toBeLessThan(900); // 500 ms + the last kick's age + a check period + scheduling
    const snap = machine.snapshot();
    expect(snap).toMatchObject({
      relayClosed: true,
      coilPowered: false,
      watchdog: { tripped: true, coilOffReason: 'watchdog_timeout' },
    });
    expect(snap.readings.energised).toBe(false);
    await machine.flushState();
    const state = JSON.parse(await fs.readFile(paths.stateFile, 'utf8'));
    expect(state.watchdog).toMatchObject({ tripped: true, coilOffReason: 'watchdog_timeout' });
    const trace = (await fs.readFile(paths.outputTrace, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(trace.slice(-2)).toEqual([
      { at: expect.any(String), energised: true, reason: 'coil_powered' },
      { at: expect.any(String), energised: false, reason: 'watchdog_timeout' },
    ]);
    // Kicks resuming with D7 still high re-energise the coil.
    stopKicking = kickHeartbeat(io);
    await waitFor('coil re-powered', () => machine.snapshot().coilPowered);
    relay.open();
    await waitFor('relay open', () => !machine.snapshot().relayClosed);
  });

  it('opens the relay on SYSTEM_RESET', async () => {
    const relay = new five.Relay({ pin: PINS.relay, type: 'NO' });
    relay.close();
    await waitFor('relay closed', () => machine.snapshot().relayClosed);
    const reset = once(machine, 'reset');
    io.reset();
    await reset;
    expect(machine.snapshot().relayClosed).toBe(false);
    expect(relayEvents.at(-1)).toBe(false);
  });

  it('opens the relay when the machine is powered off', async () => {
    // SYSTEM_RESET left D7 as an OUTPUT; drive it high again, then pull the plug.
    const relay = new five.Relay({ pin: PINS.relay, type: 'NO' });
    relay.close();
    await waitFor('relay closed', () => machine.snapshot().relayClosed);
    const count = relayEvents.length;
    await machine.stop();
    expect(relayEvents.slice(count)).toEqual([false]);
    expect(machine.running).toBe(false);
    await expect(fs.stat(paths.dir)).rejects.toThrow();
  });
});

describe('a gas set over the python3 pty relay', () => {
  // The fallback for machines without socat must carry Firmata just as well.
  const provider = findExecutable('python3') ? 'python3' : 'auto';
  let machine: SimulatedMachine;
  let port: SerialPort;
  let io: FirmataIo;
  let board: EventEmitter;
  let stopKicking: () => void = () => undefined;

  beforeAll(async () => {
    machine = new SimulatedMachine({ name: 'G1', kind: 'gas', seed: 5, ptyProvider: provider });
    const paths = await machine.start();
    port = new SerialPort({ path: paths.serialPath, baudRate: 57600 });
    io = new Firmata(port);
    board = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: 10_000 });
    await once(board, 'ready');
    stopKicking = kickHeartbeat(io);
  });

  afterAll(async () => {
    stopKicking();
    if (port?.isOpen) await new Promise((r) => port.close(r));
    await machine?.stop();
  });

  // johnny-five components default to the first board created in the process: name this one.
  it('flows fuel gas (A0) and lights a flame only while the solenoid valve is open', async () => {
    const flow = new five.Sensor({ pin: 'A0', freq: 25, board });
    const valve = new five.Relay({ pin: PINS.relay, type: 'NO', board });
    try {
      machine.pressTrigger();
      await sleep(120);
      expect(flow.value).toBe(0);
      expect(machine.snapshot().readings.flame).toBe(false);

      valve.close();
      await waitFor('valve open', () => machine.snapshot().relayClosed);
      await sleep(120);
      const lpm = fromCounts(flow.value, SCALES.gasFlowLpm);
      expect(lpm).toBeGreaterThan(6);
      expect(lpm).toBeLessThan(10);
      expect(machine.snapshot().readings.flame).toBe(true);

      valve.open();
      await waitFor('valve closed', () => !machine.snapshot().relayClosed);
      await sleep(120);
      expect(flow.value).toBe(0);
    } finally {
      flow.disable();
      machine.releaseTrigger();
    }
  });

  it('lets a restarted host reconnect and find the board again', async () => {
    stopKicking();
    await new Promise((r) => port.close(r));
    port = new SerialPort({ path: machine.paths.serialPath, baudRate: 57600 });
    // No fresh boot banner for a second connection: firmata.js asks after its reportVersionTimeout.
    const again = new Firmata(port, { reportVersionTimeout: 300 });
    await once(again, 'ready');
    expect(again.firmware.name).toBe('ArcGateSim');
    expect(again.analogPins).toHaveLength(6);
  });
});
