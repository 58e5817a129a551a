import { registerDecorator, ValidationOptions } from 'class-validator';

function makeDecorator(name: string, test: (v: unknown) => boolean, defaultMessage: string) {
  return (options?: ValidationOptions) => (object: object, propertyName: string) =>
    registerDecorator({ name, target: object.constructor, propertyName, options: { message: defaultMessage, ...options }, validator: { validate: test } });
}

/** An instant must carry its offset: "2026-01-05T08:00:00Z" or "2026-01-05T16:00:00+08:00", never a bare local time. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
export function isInstant(v: unknown): v is string {
  return typeof v === 'string' && INSTANT.test(v) && !Number.isNaN(Date.parse(v));
}

export function isChinaDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

export const IsInstant = makeDecorator('isInstant', isInstant, '$property must be an ISO 8601 date-time with an offset, e.g. 2026-01-05T16:00:00+08:00');
export const IsChinaDate = makeDecorator('isChinaDate', isChinaDate, '$property must be a calendar date YYYY-MM-DD');
export const IsHhMm = makeDecorator('isHhMm', (v) => typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v), '$property must be a time HH:MM (China time)');
