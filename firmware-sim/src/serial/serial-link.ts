// The board's end of a serial line, opened with serialport 13 like any tty. A real UART never
// blocks: if nobody reads the other end, bytes are lost. So when writes pile up (no host has
// the pty open and its buffer is full) further writes are dropped instead of queued forever.
import { SerialPort } from 'serialport';

export const DEFAULT_BAUD_RATE = 57600;

export class SerialLink {
  private port: SerialPort | null = null;
  private pending = 0;
  /** Writes dropped because the line was backed up. */
  dropped = 0;

  constructor(
    readonly path: string,
    private readonly maxPendingWrites = 64,
  ) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(onData: (chunk: Buffer) => void): Promise<void> {
    const port = new SerialPort({ path: this.path, baudRate: DEFAULT_BAUD_RATE, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', onData);
    // A closed or vanished pty surfaces here; the link just stops carrying data.
    port.on('error', () => undefined);
    this.port = port;
  }

  write(bytes: Buffer): boolean {
    const port = this.port;
    if (!port?.isOpen || this.pending >= this.maxPendingWrites) {
      this.dropped += 1;
      return false;
    }
    this.pending += 1;
    port.write(bytes, () => {
      this.pending -= 1;
    });
    return true;
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
