import { DUTY_FACTOR, RefreshSchedule } from './refresh-schedule';

describe('RefreshSchedule', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);
  const minute = new RefreshSchedule(60_000);

  it('keeps the configured interval while a count is quick, and stretches it to 20× a slow one', () => {
    expect(minute.intervalMs(null)).toBe(60_000);
    expect(minute.intervalMs({ tookMs: 1_000 })).toBe(60_000);
    expect(minute.intervalMs({ tookMs: 8_000 })).toBe(8_000 * DUTY_FACTOR);
    expect(minute.minAgeMs({ tookMs: 1_000 })).toBe(59_000); // an early tick still counts
    expect(minute.isSlow({ countedAt: at(0), tookMs: 3_000 })).toBe(false);
    expect(minute.isSlow({ countedAt: at(0), tookMs: 3_001 })).toBe(true);
  });

  it('trusts a snapshot up to ten intervals old, never when snapshots are off or none was counted', () => {
    const last = { countedAt: at(0), tookMs: 1_000 };
    expect(minute.trusted(last, at(600))).toBe(true);
    expect(minute.trusted(last, at(601))).toBe(false);
    // A slow count stretches how long it is trusted with its interval.
    expect(minute.trusted({ countedAt: at(0), tookMs: 10_000 }, at(1_999))).toBe(true);
    expect(minute.trusted(null, at(1))).toBe(false);
    expect(new RefreshSchedule(0).trusted(last, at(1))).toBe(false);
  });
});
