import { readFileSync } from 'node:fs';

/** Time behind an injectable so that rules with time limits are testable with a fake clock. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** How often OffsetFileClock looks at its file at most. */
export const CLOCK_OFFSET_REREAD_MS = 200;

/**
 * Test-only (ARCGATE_CLOCK_OFFSET_FILE; config refuses it in production): the system time plus an
 * offset in ms read from a file, so that a fault-matrix run can jump the server's clock mid-run
 * (e.g. +3600000). Re-read at most every 200 ms, so now() stays cheap. A missing file is offset 0;
 * an unparsable one keeps the last offset (a writer caught mid-write must not jump the clock back).
 */
export class OffsetFileClock extends Clock {
  private offsetMs = 0;
  private readAt = -Infinity;

  constructor(
    private readonly file: string,
    private readonly systemNow: () => number = Date.now,
    private readonly read: (file: string) => string = (f) => readFileSync(f, 'utf8'),
  ) {
    super();
  }

  now(): Date {
    const t = this.systemNow();
    if (t - this.readAt >= CLOCK_OFFSET_REREAD_MS || t < this.readAt) {
      this.readAt = t;
      this.offsetMs = this.readOffset();
    }
    return new Date(t + this.offsetMs);
  }

  private readOffset(): number {
    let text: string;
    try {
      text = this.read(this.file);
    } catch {
      return 0;
    }
    const trimmed = text.trim();
    if (trimmed === '') return this.offsetMs;
    const v = Number(trimmed);
    return Number.isFinite(v) ? Math.trunc(v) : this.offsetMs;
  }
}

/** A clock tests can set and advance. */
export class FakeClock extends Clock {
  constructor(private current: Date = new Date('2026-01-05T08:00:00Z')) {
    super();
  }
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
