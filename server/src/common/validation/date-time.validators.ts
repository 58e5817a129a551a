import { registerDecorator, ValidationOptions } from 'class-validator';
import { isStrictCalendarDate } from './dates';

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

/** Shared strict checks (no calendar rollover, sane years): see common/validation/dates.ts. */
export { isStrictInstant as isInstant, isStrictCalendarDate as isChinaDate, IsInstant } from './dates';

export const IsChinaDate = makeDecorator(
  'isChinaDate',
  isStrictCalendarDate,
  '$property must be an existing calendar date YYYY-MM-DD',
);
export const IsHhMm = makeDecorator(
  'isHhMm',
  (v) => typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v),
  '$property must be a time HH:MM (China time)',
);
