/** "Now" for the agent, injectable so timers and grant expiry run on fake time in tests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The system clock off by a fixed amount: a device whose clock is wrong (fault tests, CLOCK_OFFSET_MS). */
export const offsetClock = (offsetMs: number): Clock =>
  offsetMs === 0 ? systemClock : { now: () => Date.now() + offsetMs };

export class FakeClock implements Clock {
  constructor(private ms = Date.parse('2026-03-02T08:00:00.000Z')) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }
}
