/**
 * The badge scanner on its own serial line (USB-serial QR scanners send one code per line).
 * Emits 'code' with the welder code (a scanned code URL …/q/<code> is reduced to the code) and
 * 'unrecognised' for anything else. A vanished port is reopened every few seconds.
 */
import { EventEmitter } from 'node:events';
import { ReadlineParser, SerialPort } from 'serialport';
import { extractWelderCode } from '@arcgate/protocol';

export interface ScannerEvents {
  code: [code: string];
  unrecognised: [line: string];
  error: [err: Error];
}

export interface ScannerOptions {
  path: string;
  baudRate?: number;
  reopenAfterMs?: number;
}

/** Longest line kept; a scanner never sends more, a noisy line is cut. */
const MAX_LINE = 512;

/** One scanned line → the welder code in it, or null. Exported for tests. */
export function codeFromLine(line: string): string | null {
  return extractWelderCode(line.replace(/\r/g, '').slice(0, MAX_LINE));
}

export class BadgeScanner extends EventEmitter<ScannerEvents> {
  private port: SerialPort | null = null;
  private reopenTimer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(private readonly options: ScannerOptions) {
    super();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async open(): Promise<void> {
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate ?? 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    if (this.stopped) {
      port.close();
      return;
    }
    this.port = port;
    const lines = port.pipe(new ReadlineParser({ delimiter: '\n', encoding: 'utf8' }));
    lines.on('data', (raw: string) => {
      const line = raw.trim();
      if (!line) return;
      const code = codeFromLine(line);
      if (code) this.emit('code', code);
      else this.emit('unrecognised', line.slice(0, 80));
    });
    port.on('error', (err: Error) => this.emit('error', err));
    port.on('close', () => this.scheduleReopen());
  }

  private scheduleReopen(): void {
    this.port = null;
    if (this.stopped || this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      this.open().catch((err: Error) => {
        this.emit('error', err);
        this.scheduleReopen();
      });
    }, this.options.reopenAfterMs ?? 3_000);
  }
}
