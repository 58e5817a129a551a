// A streaming Firmata parser: serial reads split and concatenate packets arbitrarily, and line
// noise (or a host that starts mid-stream) leaves stray bytes. Every byte >= 0x80 starts a new
// message, so the parser resynchronises at the next command byte and counts what it threw away.
import {
  ANALOG_MESSAGE,
  DIGITAL_MESSAGE,
  END_SYSEX,
  REPORT_ANALOG,
  REPORT_DIGITAL,
  REPORT_VERSION,
  SET_DIGITAL_PIN_VALUE,
  SET_PIN_MODE,
  START_SYSEX,
  SYSTEM_RESET,
} from './constants';
import { decodeSysex, FirmataMessage } from './messages';

/** Which side sent the stream: REPORT_VERSION has no data bytes as a query, two as an answer. */
export type StreamDirection = 'host-to-board' | 'board-to-host';

/** Longest sysex payload kept; beyond it the message is dropped (no Firmata reply is this big here). */
export const MAX_SYSEX_BYTES = 4096;

export class FirmataParser {
  private command: number | null = null;
  private needed = 0;
  private data: number[] = [];
  private inSysex = false;
  /** Bytes dropped while resynchronising (garbage, truncated or oversized messages). */
  discarded = 0;

  constructor(private readonly direction: StreamDirection) {}

  /** Feeds a chunk and returns every message it completed, in order. */
  push(chunk: Uint8Array | readonly number[]): FirmataMessage[] {
    const out: FirmataMessage[] = [];
    for (const byte of chunk) this.pushByte(byte & 0xff, out);
    return out;
  }

  private pushByte(byte: number, out: FirmataMessage[]): void {
    if (this.inSysex) {
      if (byte === END_SYSEX) {
        const [command, ...payload] = this.data;
        this.resetMessage();
        if (command === undefined) this.discarded += 2;
        else out.push(decodeSysex(command, payload));
        return;
      }
      if (byte < 0x80) {
        this.data.push(byte);
        if (this.data.length > MAX_SYSEX_BYTES + 1) this.abandon();
        return;
      }
      // A command byte inside a sysex: the sysex was truncated; fall through to start anew.
      this.abandon();
    }

    if (byte >= 0x80) {
      if (this.command !== null) this.abandon();
      this.startCommand(byte, out);
      return;
    }

    if (this.command === null) {
      this.discarded += 1;
      return;
    }
    this.data.push(byte);
    if (this.data.length === this.needed) {
      const message = this.decodeChannel(this.command, this.data);
      this.resetMessage();
      out.push(message);
    }
  }

  private startCommand(byte: number, out: FirmataMessage[]): void {
    if (byte === START_SYSEX) {
      this.inSysex = true;
      this.data = [];
      return;
    }
    const needed = this.dataLength(byte);
    if (needed === null) {
      this.discarded += 1;
      return;
    }
    if (needed === 0) {
      out.push(this.decodeChannel(byte, []));
      return;
    }
    this.command = byte;
    this.needed = needed;
    this.data = [];
  }

  private dataLength(byte: number): number | null {
    const high = byte & 0xf0;
    if (high === DIGITAL_MESSAGE || high === ANALOG_MESSAGE) return 2;
    if (high === REPORT_ANALOG || high === REPORT_DIGITAL) return 1;
    if (byte === SET_PIN_MODE || byte === SET_DIGITAL_PIN_VALUE) return 2;
    if (byte === REPORT_VERSION) return this.direction === 'host-to-board' ? 0 : 2;
    if (byte === SYSTEM_RESET) return 0;
    return null;
  }

  private decodeChannel(command: number, d: number[]): FirmataMessage {
    const low = command & 0x0f;
    switch (command & 0xf0) {
      case DIGITAL_MESSAGE:
        return { type: 'digitalPort', port: low, value: d[0] | (d[1] << 7) };
      case ANALOG_MESSAGE:
        return { type: 'analog', channel: low, value: d[0] | (d[1] << 7) };
      case REPORT_ANALOG:
        return { type: 'reportAnalog', channel: low, enable: d[0] !== 0 };
      case REPORT_DIGITAL:
        return { type: 'reportDigital', port: low, enable: d[0] !== 0 };
    }
    if (command === SET_PIN_MODE) return { type: 'setPinMode', pin: d[0], mode: d[1] };
    if (command === SET_DIGITAL_PIN_VALUE) return { type: 'setDigitalPinValue', pin: d[0], value: d[1] ? 1 : 0 };
    if (command === SYSTEM_RESET) return { type: 'systemReset' };
    return d.length === 2 ? { type: 'version', major: d[0], minor: d[1] } : { type: 'versionQuery' };
  }

  private abandon(): void {
    this.discarded += this.data.length + 1;
    this.resetMessage();
  }

  private resetMessage(): void {
    this.command = null;
    this.needed = 0;
    this.data = [];
    this.inSysex = false;
  }
}
