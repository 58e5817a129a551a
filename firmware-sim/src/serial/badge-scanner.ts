// A QR badge scanner on its own serial line: like the USB-serial scanners on real machines, each
// scanned code arrives at the host as one line ending in CR LF.
import { openPtyPair, OpenPtyPairOptions, PtyPair } from './pty-pair';
import { SerialLink } from './serial-link';

export interface BadgeScannerOptions {
  pty?: OpenPtyPairOptions;
}

export class BadgeScanner {
  private pair: PtyPair | null = null;
  private link: SerialLink | null = null;

  constructor(private readonly options: BadgeScannerOptions = {}) {}

  /** The path the host opens to read scans. */
  get path(): string {
    if (!this.pair) throw new Error('badge scanner is not started');
    return this.pair.hostPath;
  }

  async start(): Promise<void> {
    if (this.pair) return;
    const pair = await openPtyPair(this.options.pty);
    const link = new SerialLink(pair.boardPath);
    try {
      // Scanners only talk; anything the host sends is ignored.
      await link.open(() => undefined);
    } catch (err) {
      await pair.close();
      throw err;
    }
    this.pair = pair;
    this.link = link;
  }

  /** Emits one scanned code. Codes are single lines of printable text. */
  async scan(code: string): Promise<void> {
    if (!this.link) throw new Error('badge scanner is not started');
    if (code.length === 0 || /[\r\n\0]/.test(code)) {
      throw new Error('a badge code must be non-empty and must not contain line breaks');
    }
    const link = this.link;
    if (!link.write(Buffer.from(`${code}\r\n`, 'utf8'))) throw new Error('badge scanner line is backed up');
  }

  async stop(): Promise<void> {
    const { link, pair } = this;
    this.link = null;
    this.pair = null;
    await link?.close();
    await pair?.close();
  }
}
