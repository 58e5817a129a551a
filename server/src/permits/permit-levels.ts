import { addDays, chinaDate, chinaDayStart } from '../common/time/china-date';

/** GB 30871-2022 hot-work levels: 特级 / 一级 / 二级. */
export enum PermitLevel {
  Special = 'special',
  Level1 = 'level1',
  Level2 = 'level2',
}

export const LEVEL_LABELS: Record<PermitLevel, string> = {
  [PermitLevel.Special]: '特级',
  [PermitLevel.Level1]: '一级',
  [PermitLevel.Level2]: '二级',
};

/** Longest permitted window per level (GB 30871-2022 5.3): 8 h for 特级 and 一级, 72 h for 二级. */
export const MAX_WINDOW_HOURS: Record<PermitLevel, number> = {
  [PermitLevel.Special]: 8,
  [PermitLevel.Level1]: 8,
  [PermitLevel.Level2]: 72,
};

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export function maxEndFor(level: PermitLevel, start: Date): Date {
  return new Date(start.getTime() + MAX_WINDOW_HOURS[level] * HOUR_MS);
}

/** One step up: 二级 → 一级 → 特级 (特级 stays). */
export function raiseLevel(level: PermitLevel): PermitLevel {
  return level === PermitLevel.Level2 ? PermitLevel.Level1 : PermitLevel.Special;
}

/** Higher number = stricter level. */
export function levelRank(level: PermitLevel): number {
  return level === PermitLevel.Special ? 3 : level === PermitLevel.Level1 ? 2 : 1;
}

/** "HH:MM" China time, e.g. 22:00–06:00; an end at or before the start means "next morning". */
export interface NightHours {
  start: string;
  end: string;
}

export interface SpecialPeriods {
  holidays: string[];
  nightHours: NightHours | null;
  upgradeOnHolidays: boolean;
  upgradeAtNight: boolean;
}

/** A regulator's special period that raises the level (blackout with effect raise_level). */
export interface RegulatorPeriod {
  id: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
}

/**
 * Periods the enterprise cannot switch off: the national statutory holidays and its regulators'
 * special periods. They apply whatever upgradeOnHolidays / upgradeAtNight say.
 */
export interface MandatoryPeriods {
  statutoryHolidays: { date: string; name: string }[];
  regulatorPeriods: RegulatorPeriod[];
}

export const NO_MANDATORY_PERIODS: MandatoryPeriods = { statutoryHolidays: [], regulatorPeriods: [] };

export type UpgradeReason =
  | { kind: 'holiday'; date: string; label: string }
  | { kind: 'night'; date: string; label: string }
  | { kind: 'statutory_holiday'; date: string; label: string }
  | { kind: 'special_period'; date: string; label: string; blackoutId: string };

export interface LevelDecision {
  requested: PermitLevel;
  effective: PermitLevel;
  upgradeReasons: UpgradeReason[];
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function overlaps(aStart: Date, aEnd: Date, bStart: Date, bEnd: Date): boolean {
  return aStart < bEnd && bStart < aEnd;
}

/** The first holiday (China calendar day) that the half-open window [start, end) touches. */
export function touchedHoliday(holidays: string[], start: Date, end: Date): string | null {
  for (const h of [...holidays].sort()) {
    if (overlaps(start, end, chinaDayStart(h), chinaDayStart(addDays(h, 1)))) return h;
  }
  return null;
}

/** The China date whose night (starting that evening) the window [start, end) touches first. */
export function touchedNight(night: NightHours, start: Date, end: Date): string | null {
  const from = minutesOf(night.start);
  const to = minutesOf(night.end);
  const lengthMin = to > from ? to - from : 24 * 60 - from + to;
  // The night that began the evening before the window's first day can still reach into it.
  for (let d = addDays(chinaDate(start), -1); d <= chinaDate(end); d = addDays(d, 1)) {
    const nightStart = new Date(chinaDayStart(d).getTime() + from * MINUTE_MS);
    const nightEnd = new Date(nightStart.getTime() + lengthMin * MINUTE_MS);
    if (overlaps(start, end, nightStart, nightEnd)) return d;
  }
  return null;
}

/**
 * GB 30871-2022: hot work on holidays, at night or in special periods is managed one level up. The
 * national statutory holidays and the regulator's special periods always count; the enterprise's own
 * extra holidays and night hours count where it says so. Any number of reasons raise it by one step.
 */
export function effectiveLevel(
  requested: PermitLevel,
  start: Date,
  end: Date,
  periods: SpecialPeriods,
  mandatory: MandatoryPeriods = NO_MANDATORY_PERIODS,
): LevelDecision {
  const upgradeReasons: UpgradeReason[] = [];
  const statutory = touchedHoliday(
    mandatory.statutoryHolidays.map((h) => h.date),
    start,
    end,
  );
  if (statutory) {
    const name = mandatory.statutoryHolidays.find((h) => h.date === statutory)?.name ?? '';
    upgradeReasons.push({
      kind: 'statutory_holiday',
      date: statutory,
      label: `作业时段涉及法定节假日 ${name} ${statutory}`,
    });
  }
  const period = [...mandatory.regulatorPeriods]
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
    .find((p) => overlaps(start, end, p.startsAt, p.endsAt));
  if (period)
    upgradeReasons.push({
      kind: 'special_period',
      date: chinaDate(period.startsAt),
      label: `作业时段涉及监管部门设定的特殊时段：${period.reason}`,
      blackoutId: period.id,
    });
  if (periods.upgradeOnHolidays) {
    const h = touchedHoliday(periods.holidays, start, end);
    if (h) upgradeReasons.push({ kind: 'holiday', date: h, label: `作业时段涉及节假日 ${h}` });
  }
  if (periods.upgradeAtNight && periods.nightHours) {
    const n = touchedNight(periods.nightHours, start, end);
    if (n)
      upgradeReasons.push({
        kind: 'night',
        date: n,
        label: `作业时段涉及夜间 ${periods.nightHours.start}–${periods.nightHours.end} (${n})`,
      });
  }
  return { requested, effective: upgradeReasons.length ? raiseLevel(requested) : requested, upgradeReasons };
}

export interface WindowViolation {
  level: PermitLevel;
  maxHours: number;
  actualMinutes: number;
  message: string;
}

/** null when [start, end] fits the level's maximum; otherwise the reason, in words. */
export function windowViolation(level: PermitLevel, start: Date, end: Date): WindowViolation | null {
  const actualMinutes = Math.ceil((end.getTime() - start.getTime()) / MINUTE_MS);
  if (end.getTime() <= maxEndFor(level, start).getTime()) return null;
  const maxHours = MAX_WINDOW_HOURS[level];
  return {
    level,
    maxHours,
    actualMinutes,
    message: `${LEVEL_LABELS[level]}动火作业票有效期最长 ${maxHours} 小时 (a ${level} permit is valid at most ${maxHours} h); the window is ${Math.floor(actualMinutes / 60)} h ${actualMinutes % 60} min`,
  };
}
