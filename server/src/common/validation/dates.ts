import { registerDecorator, ValidationOptions } from 'class-validator';

/** Instants outside these years are typing errors (0000, 20260, 1970 epoch defaults), not plans or records. */
export const INSTANT_MIN_YEAR = 2000;
export const INSTANT_MAX_YEAR = 2100;
/** Calendar days reach further back: certificates and trainings of older welders. */
export const CALENDAR_MIN_YEAR = 1900;

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const CALENDAR = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function realDay(year: number, month: number, day: number, minYear: number, maxYear: number): boolean {
  return year >= minYear && year <= maxYear && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/**
 * "2026-01-05T08:00:00Z" or "2026-01-05T16:00:00+08:00": an offset is required, and every part must
 * exist as written. Date.parse alone rolls 2026-11-31 over to 12-01 and takes 24:00 and year 0000.
 */
export function isStrictInstant(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = INSTANT.exec(v);
  if (!m) return false;
  const [, year, month, day, hour, minute, second = '0', offH = '0', offM = '0'] = m;
  return (
    realDay(+year, +month, +day, INSTANT_MIN_YEAR, INSTANT_MAX_YEAR) &&
    +hour <= 23 &&
    +minute <= 59 &&
    +second <= 59 &&
    +offH <= 14 &&
    +offM <= 59
  );
}

/** A real calendar day written YYYY-MM-DD (China calendar days: certificates, holidays, engagements). */
export function isStrictCalendarDate(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = CALENDAR.exec(v);
  return !!m && realDay(+m[1], +m[2], +m[3], CALENDAR_MIN_YEAR, INSTANT_MAX_YEAR);
}

function makeDecorator(name: string, test: (v: unknown) => boolean, defaultMessage: string) {
  return (options?: ValidationOptions) => (object: object, propertyName: string) =>
    registerDecorator({
      name,
      target: object.constructor,
      propertyName,
      options: { message: defaultMessage, ...options },
      validator: { validate: test },
    });
}

/** The one validator for instants in requests (bodies and query filters). */
export const IsInstant = makeDecorator(
  'isInstant',
  isStrictInstant,
  `$property must be an existing ISO 8601 date-time with an offset between ${INSTANT_MIN_YEAR} and ${INSTANT_MAX_YEAR}, e.g. 2026-01-05T16:00:00+08:00`,
);
/** The one validator for calendar days in requests. */
export const IsCalendarDate = makeDecorator(
  'isCalendarDate',
  isStrictCalendarDate,
  `$property must be an existing calendar date written YYYY-MM-DD between ${CALENDAR_MIN_YEAR} and ${INSTANT_MAX_YEAR}`,
);
