/** Calendar dates in China Standard Time (UTC+8, no daylight saving), as YYYY-MM-DD. */
const CST_OFFSET_MS = 8 * 3600 * 1000;

export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a China calendar date begins. */
export function chinaDayStart(date: string): Date {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() - CST_OFFSET_MS);
}

export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y + years, m - 1, d));
  // 29 February plus whole years lands on 1 March in non-leap years; keep it on 28 February.
  if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
  return t.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
