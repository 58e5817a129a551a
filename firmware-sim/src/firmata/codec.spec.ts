import { EventEmitter } from 'node:events';
import {
  decodeTwoByteString,
  encodeMessage,
  encodeTwoByteString,
  FirmataMessage,
  from7BitChunks,
  to7BitChunks,
} from './messages';
import { FirmataParser, MAX_SYSEX_BYTES } from './parser';

const bytes = (m: FirmataMessage): number[] => [...encodeMessage(m)];

describe('encodeMessage (board and host messages, byte by byte)', () => {
  it.each<[string, FirmataMessage, number[]]>([
    [
      'DIGITAL_MESSAGE port 0, pins 2 and 7 high',
      { type: 'digitalPort', port: 0, value: 0b1000_0100 },
      [0x90, 0x04, 0x01],
    ],
    ['DIGITAL_MESSAGE port 1, pin 13 high', { type: 'digitalPort', port: 1, value: 0b0010_0000 }, [0x91, 0x20, 0x00]],
    ['ANALOG_MESSAGE channel 2 full scale', { type: 'analog', channel: 2, value: 1023 }, [0xe2, 0x7f, 0x07]],
    ['ANALOG_MESSAGE channel 0 value 245', { type: 'analog', channel: 0, value: 245 }, [0xe0, 0x75, 0x01]],
    ['REPORT_ANALOG enable channel 1', { type: 'reportAnalog', channel: 1, enable: true }, [0xc1, 0x01]],
    ['REPORT_DIGITAL disable port 0', { type: 'reportDigital', port: 0, enable: false }, [0xd0, 0x00]],
    ['SET_PIN_MODE 7 OUTPUT', { type: 'setPinMode', pin: 7, mode: 1 }, [0xf4, 0x07, 0x01]],
    ['SET_DIGITAL_PIN_VALUE 13 HIGH', { type: 'setDigitalPinValue', pin: 13, value: 1 }, [0xf5, 0x0d, 0x01]],
    ['REPORT_VERSION query', { type: 'versionQuery' }, [0xf9]],
    ['REPORT_VERSION 2.6', { type: 'version', major: 2, minor: 6 }, [0xf9, 0x02, 0x06]],
    ['SYSTEM_RESET', { type: 'systemReset' }, [0xff]],
    ['QUERY_FIRMWARE', { type: 'firmwareQuery' }, [0xf0, 0x79, 0xf7]],
    [
      'firmware 1.0 "AB"',
      { type: 'firmware', major: 1, minor: 0, name: 'AB' },
      [0xf0, 0x79, 0x01, 0x00, 0x41, 0x00, 0x42, 0x00, 0xf7],
    ],
    ['CAPABILITY_QUERY', { type: 'capabilityQuery' }, [0xf0, 0x6b, 0xf7]],
    [
      'CAPABILITY_RESPONSE',
      {
        type: 'capabilities',
        pins: [
          [],
          [
            { mode: 0, resolution: 1 },
            { mode: 1, resolution: 1 },
          ],
          [{ mode: 2, resolution: 10 }],
        ],
      },
      [0xf0, 0x6c, 0x7f, 0x00, 0x01, 0x01, 0x01, 0x7f, 0x02, 0x0a, 0x7f, 0xf7],
    ],
    ['ANALOG_MAPPING_QUERY', { type: 'analogMappingQuery' }, [0xf0, 0x69, 0xf7]],
    [
      'ANALOG_MAPPING_RESPONSE',
      { type: 'analogMapping', channels: [null, null, 0, 1] },
      [0xf0, 0x6a, 0x7f, 0x7f, 0x00, 0x01, 0xf7],
    ],
    ['PIN_STATE_QUERY 7', { type: 'pinStateQuery', pin: 7 }, [0xf0, 0x6d, 0x07, 0xf7]],
    [
      'PIN_STATE_RESPONSE 7 OUTPUT HIGH',
      { type: 'pinState', pin: 7, mode: 1, state: 1 },
      [0xf0, 0x6e, 0x07, 0x01, 0x01, 0xf7],
    ],
    [
      'PIN_STATE_RESPONSE multi-byte state',
      { type: 'pinState', pin: 9, mode: 3, state: 300 },
      [0xf0, 0x6e, 0x09, 0x03, 0x2c, 0x02, 0xf7],
    ],
    ['SAMPLING_INTERVAL 19 ms', { type: 'samplingInterval', ms: 19 }, [0xf0, 0x7a, 0x13, 0x00, 0xf7]],
    ['SAMPLING_INTERVAL 1000 ms', { type: 'samplingInterval', ms: 1000 }, [0xf0, 0x7a, 0x68, 0x07, 0xf7]],
    ['EXTENDED_ANALOG pin 20', { type: 'extendedAnalog', pin: 20, value: 200 }, [0xf0, 0x6f, 0x14, 0x48, 0x01, 0xf7]],
    ['STRING_DATA "hi"', { type: 'string', text: 'hi' }, [0xf0, 0x71, 0x68, 0x00, 0x69, 0x00, 0xf7]],
  ])('%s', (_name, message, expected) => {
    expect(bytes(message)).toEqual(expected);
  });

  it('refuses values the wire cannot carry', () => {
    expect(() => encodeMessage({ type: 'analog', channel: 16, value: 1 })).toThrow(RangeError);
    expect(() => encodeMessage({ type: 'analog', channel: 0, value: 0x4000 })).toThrow(RangeError);
    expect(() => encodeMessage({ type: 'setPinMode', pin: 128, mode: 1 })).toThrow(RangeError);
    expect(() => encodeMessage({ type: 'digitalPort', port: 0, value: -1 })).toThrow(RangeError);
  });

  it('splits and joins 7-bit chunks and two-byte strings', () => {
    expect(to7BitChunks(0)).toEqual([0]);
    expect(to7BitChunks(16383)).toEqual([0x7f, 0x7f]);
    expect(from7BitChunks([0x2c, 0x02])).toBe(300);
    expect(encodeTwoByteString('é')).toEqual([0x43, 0x01, 0x29, 0x01]);
    expect(decodeTwoByteString([...encodeTwoByteString('焊机'), 0, 0])).toBe('焊机');
  });
});

describe('FirmataParser', () => {
  const all: FirmataMessage[] = [
    { type: 'versionQuery' },
    { type: 'firmwareQuery' },
    { type: 'capabilityQuery' },
    { type: 'analogMappingQuery' },
    { type: 'pinStateQuery', pin: 7 },
    { type: 'setPinMode', pin: 7, mode: 1 },
    { type: 'digitalPort', port: 0, value: 0x80 },
    { type: 'setDigitalPinValue', pin: 13, value: 1 },
    { type: 'reportAnalog', channel: 2, enable: true },
    { type: 'reportDigital', port: 0, enable: true },
    { type: 'samplingInterval', ms: 50 },
    { type: 'analog', channel: 9, value: 128 },
    { type: 'extendedAnalog', pin: 20, value: 70000 },
    { type: 'string', text: 'ok' },
    { type: 'sysex', command: 0x70, data: [1, 2, 3] },
    { type: 'systemReset' },
  ];
  const stream = Buffer.concat(all.map(encodeMessage));

  it('decodes every host message from one concatenated chunk', () => {
    const parser = new FirmataParser('host-to-board');
    expect(parser.push(stream)).toEqual(all);
    expect(parser.discarded).toBe(0);
  });

  it('decodes the same stream fed one byte at a time', () => {
    const parser = new FirmataParser('host-to-board');
    const out = [...stream].flatMap((b) => parser.push([b]));
    expect(out).toEqual(all);
  });

  it('decodes the same stream split at every possible point', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const parser = new FirmataParser('host-to-board');
      const out = [...parser.push(stream.subarray(0, cut)), ...parser.push(stream.subarray(cut))];
      expect(out).toEqual(all);
    }
  });

  it('reads REPORT_VERSION as a query from the host and as an answer from the board', () => {
    expect(new FirmataParser('host-to-board').push([0xf9, 0x90, 0x01, 0x00])).toEqual([
      { type: 'versionQuery' },
      { type: 'digitalPort', port: 0, value: 1 },
    ]);
    expect(new FirmataParser('board-to-host').push([0xf9, 0x02, 0x06])).toEqual([
      { type: 'version', major: 2, minor: 6 },
    ]);
  });

  it('skips garbage: stray data bytes, unknown commands and a lone END_SYSEX', () => {
    const parser = new FirmataParser('host-to-board');
    const out = parser.push([0x01, 0x7f, 0x80, 0x05, 0xf1, 0xf7, 0xa3, 0x00, 0xf4, 0x07, 0x01]);
    expect(out).toEqual([{ type: 'setPinMode', pin: 7, mode: 1 }]);
    // 0x01 0x7f, 0x80 0x05, 0xf1, 0xf7, 0xa3 0x00
    expect(parser.discarded).toBe(8);
  });

  it('drops a message cut short by the next command byte and decodes that command', () => {
    const parser = new FirmataParser('host-to-board');
    expect(parser.push([0x90, 0x05, 0xc0, 0x01])).toEqual([{ type: 'reportAnalog', channel: 0, enable: true }]);
    expect(parser.discarded).toBe(2);
  });

  it('drops a sysex cut short by a command byte', () => {
    const parser = new FirmataParser('host-to-board');
    expect(parser.push([0xf0, 0x79, 0x01, 0xf9])).toEqual([{ type: 'versionQuery' }]);
    expect(parser.push([0xf0, 0x6b, 0xf7])).toEqual([{ type: 'capabilityQuery' }]);
  });

  it('gives up on an oversized sysex and recovers at the next message', () => {
    const parser = new FirmataParser('host-to-board');
    const huge = [0xf0, 0x71, ...new Array<number>(MAX_SYSEX_BYTES + 10).fill(0x41), 0xf7];
    expect(parser.push([...huge, 0xff])).toEqual([{ type: 'systemReset' }]);
    expect(parser.discarded).toBeGreaterThan(MAX_SYSEX_BYTES);
  });

  it('keeps malformed known sysex raw instead of guessing', () => {
    const parser = new FirmataParser('host-to-board');
    expect(parser.push([0xf0, 0x6d, 0xf7, 0xf0, 0x7a, 0x05, 0xf7, 0xf0, 0xf7])).toEqual([
      { type: 'sysex', command: 0x6d, data: [] },
      { type: 'sysex', command: 0x7a, data: [5] },
    ]);
  });

  it('decodes board replies the way firmata.js expects them', () => {
    const replies: FirmataMessage[] = [
      { type: 'version', major: 2, minor: 6 },
      { type: 'firmware', major: 1, minor: 0, name: 'ArcGateSim' },
      { type: 'capabilities', pins: [[], [{ mode: 1, resolution: 1 }]] },
      { type: 'analogMapping', channels: [null, 0] },
      { type: 'pinState', pin: 1, mode: 1, state: 1 },
      { type: 'analog', channel: 0, value: 512 },
      { type: 'digitalPort', port: 0, value: 4 },
    ];
    const parser = new FirmataParser('board-to-host');
    expect(parser.push(Buffer.concat(replies.map(encodeMessage)))).toEqual(replies);
  });
});

describe('compatibility with firmata.js (the host johnny-five uses)', () => {
  // firmata-io over an in-memory transport: no serial port, just the bytes the host library writes.
  function host(): { io: FirmataHost; written: number[]; transport: EventEmitter } {
    const written: number[] = [];
    const transport = Object.assign(new EventEmitter(), {
      write: (data: Buffer, cb?: () => void) => {
        written.push(...data);
        cb?.();
      },
    });
    const { Firmata } = require('firmata-io') as { Firmata: new (t: unknown, o: object) => FirmataHost };
    const io = new Firmata(transport, { reportVersionTimeout: 60_000 });
    return { io, written, transport };
  }

  interface FirmataHost extends EventEmitter {
    pins: { mode?: number }[];
    analogPins: number[];
    firmware: { name: string };
    pinMode(pin: number, mode: number): void;
    digitalWrite(pin: number, value: number): void;
    reportAnalogPin(pin: number, value: number): void;
    setSamplingInterval(ms: number): void;
    reset(): void;
  }

  it('parses what the host library writes', () => {
    const { io, written, transport } = host();
    const replies = [
      { type: 'version', major: 2, minor: 6 },
      { type: 'firmware', major: 1, minor: 0, name: 'ArcGateSim' },
    ] as const;
    transport.emit('data', Buffer.concat(replies.map((r) => encodeMessage(r))));
    expect(io.firmware.name).toBe('ArcGateSim');
    // firmata.js asks for capabilities once it knows the firmware; answer with a tiny board.
    transport.emit(
      'data',
      Buffer.concat([
        encodeMessage({
          type: 'capabilities',
          pins: Array.from({ length: 16 }, () => [
            { mode: 1, resolution: 1 },
            { mode: 2, resolution: 10 },
          ]),
        }),
        encodeMessage({
          type: 'analogMapping',
          channels: Array.from({ length: 16 }, (_, i) => (i >= 14 ? i - 14 : null)),
        }),
      ]),
    );
    expect(io.analogPins).toEqual([14, 15]);
    written.length = 0;

    io.pinMode(7, 1);
    io.digitalWrite(7, 1);
    io.reportAnalogPin(0, 1);
    io.setSamplingInterval(50);
    io.reset();
    expect(new FirmataParser('host-to-board').push(written)).toEqual([
      { type: 'setPinMode', pin: 7, mode: 1 },
      { type: 'digitalPort', port: 0, value: 0x80 },
      { type: 'reportAnalog', channel: 0, enable: true },
      { type: 'samplingInterval', ms: 50 },
      { type: 'systemReset' },
    ]);
  });
});
