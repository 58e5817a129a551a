// Firmata messages as data, and their encoding to bytes. Used by the board (replies, reports)
// and by tests or a host that want to speak the protocol without firmata.js.
import {
  ANALOG_MESSAGE,
  DIGITAL_MESSAGE,
  END_SYSEX,
  NO_CHANNEL,
  REPORT_ANALOG,
  REPORT_DIGITAL,
  REPORT_VERSION,
  SET_DIGITAL_PIN_VALUE,
  SET_PIN_MODE,
  START_SYSEX,
  SYSEX,
  SYSTEM_RESET,
} from './constants';

export interface ModeCapability {
  mode: number;
  /** Resolution in bits (e.g. 10 for a 10-bit ADC, 1 for digital). */
  resolution: number;
}

export type FirmataMessage =
  /** DIGITAL_MESSAGE: host→board writes a port's outputs; board→host reports a port's inputs. */
  | { type: 'digitalPort'; port: number; value: number }
  /** ANALOG_MESSAGE: board→host reports an analog channel; host→board writes PWM on a pin. */
  | { type: 'analog'; channel: number; value: number }
  | { type: 'reportAnalog'; channel: number; enable: boolean }
  | { type: 'reportDigital'; port: number; enable: boolean }
  | { type: 'setPinMode'; pin: number; mode: number }
  | { type: 'setDigitalPinValue'; pin: number; value: 0 | 1 }
  | { type: 'versionQuery' }
  | { type: 'version'; major: number; minor: number }
  | { type: 'systemReset' }
  | { type: 'firmwareQuery' }
  | { type: 'firmware'; major: number; minor: number; name: string }
  | { type: 'capabilityQuery' }
  | { type: 'capabilities'; pins: ModeCapability[][] }
  | { type: 'analogMappingQuery' }
  /** One entry per pin: its analog channel, or null when the pin has none. */
  | { type: 'analogMapping'; channels: (number | null)[] }
  | { type: 'pinStateQuery'; pin: number }
  | { type: 'pinState'; pin: number; mode: number; state: number }
  | { type: 'samplingInterval'; ms: number }
  | { type: 'extendedAnalog'; pin: number; value: number }
  | { type: 'string'; text: string }
  /** Any sysex this codec does not know (or a malformed known one), kept raw. */
  | { type: 'sysex'; command: number; data: number[] };

export type MessageOf<T extends FirmataMessage['type']> = Extract<FirmataMessage, { type: T }>;

const lsb = (v: number): number => v & 0x7f;
const msb = (v: number): number => (v >> 7) & 0x7f;

/** Splits a non-negative integer into 7-bit chunks, least significant first (at least one chunk). */
export function to7BitChunks(value: number): number[] {
  const out = [value & 0x7f];
  let rest = Math.floor(value / 128);
  while (rest > 0) {
    out.push(rest & 0x7f);
    rest = Math.floor(rest / 128);
  }
  return out;
}

export function from7BitChunks(chunks: readonly number[]): number {
  return chunks.reduceRight((acc, c) => acc * 128 + (c & 0x7f), 0);
}

/** Firmata sends 8-bit text as (lsb, msb) 7-bit pairs. */
export function encodeTwoByteString(text: string): number[] {
  return [...Buffer.from(text, 'utf8')].flatMap((b) => [lsb(b), msb(b)]);
}

export function decodeTwoByteString(data: readonly number[]): string {
  const bytes: number[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) bytes.push((data[i] & 0x7f) | ((data[i + 1] & 0x7f) << 7));
  // firmata.js appends a NUL to strings it sends; it is not part of the text.
  return Buffer.from(bytes).toString('utf8').replace(/\0+$/, '');
}

function assertRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}

const sysex = (command: number, data: number[] = []): number[] => [START_SYSEX, command, ...data, END_SYSEX];

function encodeBytes(m: FirmataMessage): number[] {
  switch (m.type) {
    case 'digitalPort':
      assertRange('port', m.port, 0, 15);
      assertRange('port value', m.value, 0, 0x3fff);
      return [DIGITAL_MESSAGE | m.port, lsb(m.value), msb(m.value)];
    case 'analog':
      assertRange('channel', m.channel, 0, 15);
      assertRange('analog value', m.value, 0, 0x3fff);
      return [ANALOG_MESSAGE | m.channel, lsb(m.value), msb(m.value)];
    case 'reportAnalog':
      assertRange('channel', m.channel, 0, 15);
      return [REPORT_ANALOG | m.channel, m.enable ? 1 : 0];
    case 'reportDigital':
      assertRange('port', m.port, 0, 15);
      return [REPORT_DIGITAL | m.port, m.enable ? 1 : 0];
    case 'setPinMode':
      assertRange('pin', m.pin, 0, 127);
      assertRange('mode', m.mode, 0, 127);
      return [SET_PIN_MODE, m.pin, m.mode];
    case 'setDigitalPinValue':
      assertRange('pin', m.pin, 0, 127);
      return [SET_DIGITAL_PIN_VALUE, m.pin, m.value];
    case 'versionQuery':
      return [REPORT_VERSION];
    case 'version':
      return [REPORT_VERSION, lsb(m.major), lsb(m.minor)];
    case 'systemReset':
      return [SYSTEM_RESET];
    case 'firmwareQuery':
      return sysex(SYSEX.QUERY_FIRMWARE);
    case 'firmware':
      return sysex(SYSEX.QUERY_FIRMWARE, [lsb(m.major), lsb(m.minor), ...encodeTwoByteString(m.name)]);
    case 'capabilityQuery':
      return sysex(SYSEX.CAPABILITY_QUERY);
    case 'capabilities':
      return sysex(
        SYSEX.CAPABILITY_RESPONSE,
        m.pins.flatMap((modes) => [...modes.flatMap((c) => [lsb(c.mode), lsb(c.resolution)]), NO_CHANNEL]),
      );
    case 'analogMappingQuery':
      return sysex(SYSEX.ANALOG_MAPPING_QUERY);
    case 'analogMapping':
      return sysex(
        SYSEX.ANALOG_MAPPING_RESPONSE,
        m.channels.map((c) => (c === null ? NO_CHANNEL : lsb(c))),
      );
    case 'pinStateQuery':
      assertRange('pin', m.pin, 0, 127);
      return sysex(SYSEX.PIN_STATE_QUERY, [m.pin]);
    case 'pinState':
      assertRange('pin', m.pin, 0, 127);
      return sysex(SYSEX.PIN_STATE_RESPONSE, [m.pin, lsb(m.mode), ...to7BitChunks(m.state)]);
    case 'samplingInterval':
      assertRange('sampling interval', m.ms, 0, 0x3fff);
      return sysex(SYSEX.SAMPLING_INTERVAL, [lsb(m.ms), msb(m.ms)]);
    case 'extendedAnalog':
      assertRange('pin', m.pin, 0, 127);
      return sysex(SYSEX.EXTENDED_ANALOG, [m.pin, ...to7BitChunks(m.value)]);
    case 'string':
      return sysex(SYSEX.STRING_DATA, encodeTwoByteString(m.text));
    case 'sysex':
      return sysex(m.command, m.data.map(lsb));
  }
}

export function encodeMessage(message: FirmataMessage): Buffer {
  return Buffer.from(encodeBytes(message));
}

/** Decodes a complete sysex payload (the bytes between START_SYSEX+command and END_SYSEX). */
export function decodeSysex(command: number, data: number[]): FirmataMessage {
  const raw: FirmataMessage = { type: 'sysex', command, data };
  switch (command) {
    case SYSEX.QUERY_FIRMWARE:
      if (data.length === 0) return { type: 'firmwareQuery' };
      if (data.length < 2) return raw;
      return { type: 'firmware', major: data[0], minor: data[1], name: decodeTwoByteString(data.slice(2)) };
    case SYSEX.CAPABILITY_QUERY:
      return { type: 'capabilityQuery' };
    case SYSEX.CAPABILITY_RESPONSE: {
      const pins: ModeCapability[][] = [];
      let current: ModeCapability[] = [];
      for (let i = 0; i < data.length;) {
        if (data[i] === NO_CHANNEL) {
          pins.push(current);
          current = [];
          i += 1;
        } else {
          if (i + 1 >= data.length) return raw;
          current.push({ mode: data[i], resolution: data[i + 1] });
          i += 2;
        }
      }
      return current.length ? raw : { type: 'capabilities', pins };
    }
    case SYSEX.ANALOG_MAPPING_QUERY:
      return { type: 'analogMappingQuery' };
    case SYSEX.ANALOG_MAPPING_RESPONSE:
      return { type: 'analogMapping', channels: data.map((c) => (c === NO_CHANNEL ? null : c)) };
    case SYSEX.PIN_STATE_QUERY:
      return data.length === 1 ? { type: 'pinStateQuery', pin: data[0] } : raw;
    case SYSEX.PIN_STATE_RESPONSE:
      if (data.length < 3) return raw;
      return { type: 'pinState', pin: data[0], mode: data[1], state: from7BitChunks(data.slice(2)) };
    case SYSEX.SAMPLING_INTERVAL:
      return data.length === 2 ? { type: 'samplingInterval', ms: data[0] | (data[1] << 7) } : raw;
    case SYSEX.EXTENDED_ANALOG:
      if (data.length < 2) return raw;
      return { type: 'extendedAnalog', pin: data[0], value: from7BitChunks(data.slice(1)) };
    case SYSEX.STRING_DATA:
      return { type: 'string', text: decodeTwoByteString(data) };
    default:
      return raw;
  }
}
