import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { periodOf, rangeOf } from './alert-period';

describe('alert period filter', () => {
  it('turns picked China days into a half-open period of instants, last day included', () => {
    expect(periodOf([dayjs('2026-03-01'), dayjs('2026-03-31')])).toEqual({
      from: '2026-03-01T00:00:00+08:00',
      to: '2026-04-01T00:00:00+08:00',
    });
    expect(periodOf([dayjs('2026-12-31'), dayjs('2026-12-31')])).toEqual({
      from: '2026-12-31T00:00:00+08:00',
      to: '2027-01-01T00:00:00+08:00',
    });
  });

  it('gives no period for a cleared or half-picked range', () => {
    expect(periodOf(null)).toEqual({});
    expect(periodOf([dayjs('2026-03-01'), null])).toEqual({});
  });

  it('shows the same days again from the filters', () => {
    const range = rangeOf(periodOf([dayjs('2026-03-01'), dayjs('2026-03-31')]));
    expect(range?.map((d) => d.format('YYYY-MM-DD'))).toEqual(['2026-03-01', '2026-03-31']);
    expect(rangeOf({ from: '2026-03-01T00:00:00+08:00' })).toBeNull();
  });
});
