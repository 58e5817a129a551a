import { isStrictCalendarDate, isStrictInstant } from './dates';

describe('strict dates: no rollover, sane years', () => {
  it.each([
    '2026-01-05T16:00:00+08:00',
    '2026-01-05T08:00Z',
    '2026-01-05T08:00:00.123Z',
    '2028-02-29T00:00:00Z',
    '2000-01-01T00:00:00Z',
    '2100-12-31T23:59:59-05:00',
  ])('instant %s is taken', (v) => expect(isStrictInstant(v)).toBe(true));

  it.each([
    '2026-11-31T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-05T24:00:00Z',
    '2026-01-05T23:60:00Z',
    '2026-01-05T23:59:60Z',
    '0000-01-05T08:00:00+08:00',
    '1999-12-31T23:59:59Z',
    '2101-01-01T00:00:00Z',
    '2026-01-05T16:00:00',
    '2026-01-05',
    '2026-01-05T16:00:00+25:00',
    'now',
    20260105,
    null,
  ])('instant %s is refused', (v) => expect(isStrictInstant(v)).toBe(false));

  it('calendar dates', () => {
    expect(['2026-02-28', '2028-02-29', '1960-07-01'].every(isStrictCalendarDate)).toBe(true);
    expect(
      ['2026-11-31', '2026-02-29', '0000-01-01', '1899-12-31', '2026-1-5', '2026-01-05T00:00:00Z'].some(
        isStrictCalendarDate,
      ),
    ).toBe(false);
  });
});
