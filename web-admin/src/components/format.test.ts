import { describe, expect, it } from 'vitest';
import { chinaToday, fmtDate, fmtTime, percent, pickedChinaIso, toChinaIso } from './format';

describe('format', () => {
  it('shows instants in China time regardless of the offset they came with', () => {
    expect(fmtTime('2026-03-09T16:30:00Z')).toBe('2026-03-10 00:30');
    expect(fmtTime('2026-03-10T00:30:00+08:00')).toBe('2026-03-10 00:30');
    expect(fmtTime(null)).toBe('—');
    expect(fmtTime('not a date')).toBe('—');
  });

  it('writes instants with the +08:00 offset the API requires', () => {
    expect(toChinaIso(new Date('2026-01-06T01:00:00Z'))).toBe('2026-01-06T09:00:00+08:00');
    // A picked "09:00" means 09:00 in China even when the browser runs in another zone.
    const picked = { format: (tpl: string) => (tpl === 'YYYY-MM-DDTHH:mm' ? '2026-01-06T09:00' : '') };
    expect(pickedChinaIso(picked)).toBe('2026-01-06T09:00:00+08:00');
  });

  it("knows today's China date even where the browser's day is another", () => {
    expect(chinaToday(new Date('2026-12-05T15:59:59Z'))).toBe('2026-12-05');
    expect(chinaToday(new Date('2026-12-05T16:00:00Z'))).toBe('2026-12-06');
  });

  it('keeps calendar dates and computes percentages safely', () => {
    expect(fmtDate('2028-03-01')).toBe('2028-03-01');
    expect(fmtDate(null)).toBe('—');
    expect(percent(2, 3)).toBe(67);
    expect(percent(5, 0)).toBe(0);
  });
});
