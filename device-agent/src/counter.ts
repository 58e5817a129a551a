/**
 * The envelope `seq` counter (§5.3): +1 per new envelope, persisted before the envelope is
 * published, never reused. It is persisted in blocks (gaps are allowed, reuse never): after a
 * restart counting resumes above the last reserved block, so one fsync covers `blockSize` messages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from './fs-util';

export class MessageCounter {
  private next = 1;
  private reservedUpTo = 0;

  constructor(
    private readonly file: string,
    private readonly blockSize = 100,
  ) {}

  open(): void {
    let reserved = 0;
    if (existsSync(this.file)) {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { reservedUpTo?: unknown };
      if (!Number.isSafeInteger(parsed.reservedUpTo) || (parsed.reservedUpTo as number) < 0)
        throw new Error(`message counter file ${this.file} is corrupt`);
      reserved = parsed.reservedUpTo as number;
    }
    this.next = reserved + 1;
    this.reservedUpTo = reserved;
  }

  /** The seq for a new envelope; on disk before it is returned. */
  take(): number {
    if (this.next > this.reservedUpTo) {
      const upTo = this.next + this.blockSize - 1;
      writeFileAtomicSync(this.file, `${JSON.stringify({ reservedUpTo: upTo })}\n`);
      this.reservedUpTo = upTo;
    }
    return this.next++;
  }
}
