/**
 * Calendar months of device_events in UTC, the partitions' own boundaries (telemetry-partitions.ts).
 * A month is written "YYYY-MM" everywhere a person sees it (CLI, audit, file names).
 */
export interface EventMonth {
  year: number;
  /** 1-12 */
  month: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "2025-01" → { year: 2025, month: 1 }; null for anything else. */
export function parseMonth(text: string): EventMonth | null {
  const m = MONTH.exec(text);
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
}

export function formatMonth(m: EventMonth): string {
  return `${m.year}-${String(m.month).padStart(2, '0')}`;
}

export function monthOf(at: Date): EventMonth {
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1 };
}

/** The first instant of the month `k` months after `m` (k may be negative). */
export function monthStart(m: EventMonth, k = 0): Date {
  return new Date(Date.UTC(m.year, m.month - 1 + k, 1));
}

/** [from, to) of the month: the range of its partition. */
export function monthRange(m: EventMonth): { from: Date; to: Date } {
  return { from: monthStart(m), to: monthStart(m, 1) };
}

/** device_events_YYYYMM, the partition's name as TelemetryPartitions and the first migration create it. */
export function partitionName(m: EventMonth): string {
  return `device_events_${m.year}${String(m.month).padStart(2, '0')}`;
}

/** Inverse of partitionName; null for the default partition and any other name. */
export function monthOfPartition(name: string): EventMonth | null {
  const p = /^device_events_(\d{4})(\d{2})$/.exec(name);
  return p ? parseMonth(`${p[1]}-${p[2]}`) : null;
}

/**
 * Whether the whole month is more than `retentionMonths` calendar months old at `now`: the month's
 * last instant plus the retention period has passed. With 13 months, December 2024 becomes due at
 * 2026-02-01T00:00:00Z exactly, and not a millisecond before. Month arithmetic on first days never
 * overflows (31 March minus a month is not a day of March).
 */
export function isDue(m: EventMonth, now: Date, retentionMonths: number): boolean {
  return now.getTime() >= monthStart(m, 1 + retentionMonths).getTime();
}

/** The newest month that is due at `now`. */
export function newestDueMonth(now: Date, retentionMonths: number): EventMonth {
  return monthOf(monthStart(monthOf(now), -1 - retentionMonths));
}

export function compareMonths(a: EventMonth, b: EventMonth): number {
  return a.year - b.year || a.month - b.month;
}
