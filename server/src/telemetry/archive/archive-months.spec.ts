import {
  formatMonth,
  isDue,
  monthOfPartition,
  monthRange,
  newestDueMonth,
  parseMonth,
  partitionName,
} from './archive-months';

describe('archive months', () => {
  it('parses YYYY-MM only', () => {
    expect(parseMonth('2025-01')).toEqual({ year: 2025, month: 1 });
    for (const bad of ['2025-1', '2025-13', '2025-00', '25-01', '2025-01-01', ' 2025-01', ''])
      expect(parseMonth(bad)).toBeNull();
  });

  it('names the partition and its UTC range', () => {
    const m = { year: 2024, month: 12 };
    expect(partitionName(m)).toBe('device_events_202412');
    expect(monthOfPartition('device_events_202412')).toEqual(m);
    expect(monthOfPartition('device_events_default')).toBeNull();
    expect(monthRange(m)).toEqual({ from: new Date('2024-12-01T00:00:00Z'), to: new Date('2025-01-01T00:00:00Z') });
    expect(formatMonth(m)).toBe('2024-12');
  });

  it('a month is due once its last instant is the retention period old, not a millisecond before', () => {
    const dec = { year: 2024, month: 12 };
    expect(isDue(dec, new Date('2026-01-31T23:59:59.999Z'), 13)).toBe(false);
    expect(isDue(dec, new Date('2026-02-01T00:00:00.000Z'), 13)).toBe(true);
    expect(isDue({ year: 2025, month: 1 }, new Date('2026-02-01T00:00:00.000Z'), 13)).toBe(false);
    expect(newestDueMonth(new Date('2026-02-01T00:00:00Z'), 13)).toEqual(dec);
    expect(newestDueMonth(new Date('2026-01-31T23:59:59.999Z'), 13)).toEqual({ year: 2024, month: 11 });
    // 31 March minus a month does not overflow into March.
    expect(newestDueMonth(new Date('2026-03-31T12:00:00Z'), 1)).toEqual({ year: 2026, month: 1 });
  });
});
