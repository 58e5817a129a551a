import { CONTROL_BOARD_LAYOUT } from '../machine/pin-map';
import { FirmataBoard } from './board';
import { PIN_MODE } from './constants';
import { encodeMessage, FirmataMessage } from './messages';
import { FirmataParser } from './parser';
import { ManualScheduler } from './scheduler';

function rig(options: { announceEveryMs?: number } = {}) {
  const scheduler = new ManualScheduler();
  const levels = new Map<number, 0 | 1>();
  const analog = [0, 0, 0, 0, 0, 0];
  const hostParser = new FirmataParser('board-to-host');
  let received: FirmataMessage[] = [];
  const board = new FirmataBoard({
    layout: CONTROL_BOARD_LAYOUT,
    scheduler,
    announceEveryMs: options.announceEveryMs ?? 0,
    write: (bytes) => received.push(...hostParser.push(bytes)),
    inputs: { digitalLevel: (pin) => levels.get(pin) ?? 0, sampleAnalog: () => analog },
  });
  const outputs: [number, number][] = [];
  board.on('output', (pin, level) => outputs.push([pin, level]));
  const send = (...messages: FirmataMessage[]): void => board.receive(Buffer.concat(messages.map(encodeMessage)));
  const take = (): FirmataMessage[] => {
    const out = received;
    received = [];
    return out;
  };
  return { board, scheduler, levels, analog, outputs, send, take };
}

describe('FirmataBoard', () => {
  it('does nothing until started, then announces itself like a booting board', () => {
    const { board, scheduler, take } = rig({ announceEveryMs: 1000 });
    scheduler.advance(5000);
    expect(take()).toEqual([]);
    board.start();
    expect(take()).toEqual([
      { type: 'version', major: 2, minor: 6 },
      { type: 'firmware', major: 1, minor: 0, name: 'ArcGateSim' },
    ]);
    scheduler.advance(1000);
    expect(take().map((m) => m.type)).toEqual(['version', 'firmware']);
  });

  it('stops announcing once the host speaks, and answers its handshake', () => {
    const { board, scheduler, send, take } = rig({ announceEveryMs: 1000 });
    board.start();
    take();
    send(
      { type: 'versionQuery' },
      { type: 'firmwareQuery' },
      { type: 'capabilityQuery' },
      { type: 'analogMappingQuery' },
    );
    const [version, firmware, capabilities, mapping] = take();
    expect(version).toEqual({ type: 'version', major: 2, minor: 6 });
    expect(firmware).toMatchObject({ type: 'firmware', name: 'ArcGateSim' });
    expect(capabilities).toMatchObject({ type: 'capabilities' });
    if (capabilities.type !== 'capabilities') throw new Error('unreachable');
    expect(capabilities.pins).toHaveLength(20);
    expect(capabilities.pins[0]).toEqual([]);
    expect(capabilities.pins[14].map((c) => c.mode)).toContain(PIN_MODE.ANALOG);
    expect(mapping).toEqual({ type: 'analogMapping', channels: [...new Array(14).fill(null), 0, 1, 2, 3, 4, 5] });
    expect(board.hostConnected).toBe(true);
    scheduler.advance(5000);
    expect(take()).toEqual([]);
  });

  it('drives an output only in OUTPUT mode, and reports it in PIN_STATE_RESPONSE', () => {
    const { board, send, take, outputs } = rig();
    board.start();
    take();
    send({ type: 'setPinMode', pin: 7, mode: PIN_MODE.INPUT }, { type: 'digitalPort', port: 0, value: 0x80 });
    expect(board.outputLevel(7)).toBe(0);
    send({ type: 'setPinMode', pin: 7, mode: PIN_MODE.OUTPUT }, { type: 'digitalPort', port: 0, value: 0x80 });
    expect(board.outputLevel(7)).toBe(1);
    send({ type: 'pinStateQuery', pin: 7 });
    expect(take()).toEqual([{ type: 'pinState', pin: 7, mode: PIN_MODE.OUTPUT, state: 1 }]);
    send({ type: 'setDigitalPinValue', pin: 7, value: 0 });
    expect(outputs).toEqual([
      [7, 1],
      [7, 0],
    ]);
  });

  it('writes a whole port but leaves input pins as inputs', () => {
    const { board, send, levels, take } = rig();
    board.start();
    take();
    send({ type: 'setPinMode', pin: 2, mode: PIN_MODE.INPUT }, { type: 'setPinMode', pin: 7, mode: PIN_MODE.OUTPUT });
    send({ type: 'reportDigital', port: 0, enable: true });
    take();
    send({ type: 'digitalPort', port: 0, value: 0b1000_0100 });
    expect(board.outputLevel(7)).toBe(1);
    expect(board.outputLevel(2)).toBe(0);
    expect(take()).toEqual([]);
    levels.set(2, 1);
    board.inputsChanged();
    expect(take()).toEqual([{ type: 'digitalPort', port: 0, value: 0b100 }]);
  });

  it('reports a digital port at once when enabled, then only on change', () => {
    const { board, send, levels, scheduler, take } = rig();
    board.start();
    take();
    levels.set(3, 1);
    send({ type: 'setPinMode', pin: 2, mode: PIN_MODE.INPUT }, { type: 'setPinMode', pin: 3, mode: PIN_MODE.INPUT });
    expect(take()).toEqual([]);
    send({ type: 'reportDigital', port: 0, enable: true });
    expect(take()).toEqual([{ type: 'digitalPort', port: 0, value: 0b1000 }]);
    scheduler.advance(200);
    expect(take()).toEqual([]);
    // A change noticed by the sampling loop even without inputsChanged().
    levels.set(2, 1);
    scheduler.advance(19);
    expect(take()).toEqual([{ type: 'digitalPort', port: 0, value: 0b1100 }]);
    send({ type: 'reportDigital', port: 0, enable: false });
    levels.set(3, 0);
    board.inputsChanged();
    expect(take()).toEqual([]);
  });

  it('reports enabled analog channels every sampling interval, at the interval the host sets', () => {
    const { board, send, analog, scheduler, take } = rig();
    board.start();
    take();
    analog[0] = 245;
    analog[2] = 1500;
    send({ type: 'reportAnalog', channel: 0, enable: true }, { type: 'reportAnalog', channel: 2, enable: true });
    expect(take()).toEqual([
      { type: 'analog', channel: 0, value: 245 },
      { type: 'analog', channel: 2, value: 1023 },
    ]);
    scheduler.advance(19 * 3);
    expect(take()).toHaveLength(6);
    send({ type: 'samplingInterval', ms: 100 });
    expect(board.samplingIntervalMs).toBe(100);
    scheduler.advance(99);
    expect(take()).toEqual([]);
    scheduler.advance(1);
    expect(take()).toEqual([
      { type: 'analog', channel: 0, value: 245 },
      { type: 'analog', channel: 2, value: 1023 },
    ]);
    send({ type: 'samplingInterval', ms: 1 });
    expect(board.samplingIntervalMs).toBe(5);
  });

  it('ignores reporting requests for channels that do not exist', () => {
    const { board, send, scheduler, take } = rig();
    board.start();
    take();
    send({ type: 'reportAnalog', channel: 9, enable: true });
    scheduler.advance(100);
    expect(take()).toEqual([]);
  });

  it('refuses a mode the pin does not support', () => {
    const { board, send, take } = rig();
    board.start();
    take();
    send({ type: 'setPinMode', pin: 7, mode: PIN_MODE.PWM });
    expect(take()).toEqual([{ type: 'string', text: 'pin 7 does not support mode 3' }]);
    expect(board.pinMode(7)).toBe(PIN_MODE.OUTPUT);
    send({ type: 'setPinMode', pin: 1, mode: PIN_MODE.OUTPUT });
    expect(board.pinMode(1)).toBe(PIN_MODE.IGNORE);
    expect(take()).toEqual([{ type: 'string', text: 'pin 1 does not support mode 1' }]);
  });

  it('drives a PWM pin from ANALOG_MESSAGE and EXTENDED_ANALOG', () => {
    const { board, send, outputs, take } = rig();
    board.start();
    take();
    send({ type: 'setPinMode', pin: 9, mode: PIN_MODE.PWM }, { type: 'analog', channel: 9, value: 128 });
    expect(board.pwmValue(9)).toBe(128);
    send({ type: 'extendedAnalog', pin: 9, value: 0 });
    expect(outputs).toEqual([
      [9, 1],
      [9, 0],
    ]);
  });

  it('SYSTEM_RESET drops every output, stops reporting and restores the default interval', () => {
    const { board, send, analog, scheduler, take, outputs } = rig();
    board.start();
    take();
    const resets: number[] = [];
    board.on('reset', () => resets.push(1));
    analog[0] = 10;
    send(
      { type: 'setPinMode', pin: 7, mode: PIN_MODE.OUTPUT },
      { type: 'setDigitalPinValue', pin: 7, value: 1 },
      { type: 'reportAnalog', channel: 0, enable: true },
      { type: 'samplingInterval', ms: 200 },
    );
    take();
    send({ type: 'systemReset' });
    expect(resets).toHaveLength(1);
    expect(outputs).toEqual([
      [7, 1],
      [7, 0],
    ]);
    expect(board.samplingIntervalMs).toBe(19);
    scheduler.advance(1000);
    expect(take()).toEqual([]);
  });

  it('stop() drops outputs, stops the sampling loop and ignores the host afterwards', () => {
    const { board, send, scheduler, take, outputs } = rig({ announceEveryMs: 1000 });
    board.start();
    take();
    send({ type: 'setPinMode', pin: 13, mode: PIN_MODE.OUTPUT }, { type: 'setDigitalPinValue', pin: 13, value: 1 });
    board.stop();
    expect(outputs).toEqual([
      [13, 1],
      [13, 0],
    ]);
    expect(scheduler.activeTasks).toBe(0);
    take();
    send({ type: 'versionQuery' });
    expect(take()).toEqual([]);
  });

  it('survives garbage between commands', () => {
    const { board, take } = rig();
    board.start();
    take();
    board.receive(Buffer.from([0x00, 0x42, 0xf7, 0x88, 0xf9, 0x13]));
    expect(take()).toEqual([{ type: 'version', major: 2, minor: 6 }]);
  });
});
