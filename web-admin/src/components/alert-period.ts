import dayjs, { type Dayjs } from 'dayjs';

/** China calendar days picked in the range picker → the API's instants: [first day 00:00, day after the last 00:00). */
export function periodOf(range: [Dayjs | null, Dayjs | null] | null): { from?: string; to?: string } {
  if (!range?.[0] || !range[1]) return {};
  return {
    from: `${range[0].format('YYYY-MM-DD')}T00:00:00+08:00`,
    to: `${range[1].add(1, 'day').format('YYYY-MM-DD')}T00:00:00+08:00`,
  };
}

/** The picker's days back from the filters (a click-through or a reload keeps the range shown). */
export function rangeOf(filters: Record<string, unknown>): [Dayjs, Dayjs] | null {
  if (typeof filters.from !== 'string' || typeof filters.to !== 'string') return null;
  return [dayjs(filters.from.slice(0, 10)), dayjs(filters.to.slice(0, 10)).subtract(1, 'day')];
}
