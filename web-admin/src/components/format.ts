// Display helpers. Instants are shown in China Standard Time whatever the browser's zone,
// because regulators compare them with device logs and paper permits.

const CST_OFFSET_MS = 8 * 3600 * 1000;

function parse(v: string | Date | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2026-03-10 12:00" in China time; "—" when absent. */
export function fmtTime(v: string | Date | null | undefined): string {
  const d = parse(v);
  if (!d) return '—';
  const iso = new Date(d.getTime() + CST_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Calendar dates (YYYY-MM-DD) are already China dates: shown as they are. */
export function fmtDate(v: string | null | undefined): string {
  return v ? v.slice(0, 10) : '—';
}

/** Today's calendar date in China (YYYY-MM-DD), whatever the browser's zone: the day the server's date rules use. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** "2026-03-10T12:00:00+08:00": what the API wants for instants (an explicit offset is required). */
export function toChinaIso(d: Date): string {
  const iso = new Date(d.getTime() + CST_OFFSET_MS).toISOString();
  return `${iso.slice(0, 19)}+08:00`;
}

/** Percentage with no decimals; 0 when the whole is 0. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) : 0;
}

/** Compact JSON for evidence and audit snapshots. */
export function compactJson(v: unknown): string {
  if (v === null || v === undefined) return '—';
  try {
    return JSON.stringify(v, null, 1).replace(/\n\s*/g, ' ');
  } catch {
    return String(v);
  }
}

/**
 * What a date-time picker shows is China wall-clock time (the app displays every instant in China
 * time), whatever zone the browser runs in: "2026-01-06 09:00" → "2026-01-06T09:00:00+08:00".
 */
export function pickedChinaIso(picked: { format(template: string): string }): string {
  return `${picked.format('YYYY-MM-DDTHH:mm')}:00+08:00`;
}
