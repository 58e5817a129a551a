import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

/** A real calendar day written YYYY-MM-DD (no time part: certificate and training dates are China calendar days). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value && value >= '1900-01-01';
}

export const IsCalendarDate = (options?: ValidationOptions) => (object: object, propertyName: string) =>
  registerDecorator({
    name: 'isCalendarDate',
    target: object.constructor,
    propertyName,
    options: { message: '$property must be a calendar date written YYYY-MM-DD', ...options },
    validator: { validate: isCalendarDate },
  });

/**
 * Like @IsOptional but lets only `undefined` through: null would reach a NOT NULL column
 * and become a 500 instead of a field error.
 */
export const IsOmittable = () => ValidateIf((_: object, value: unknown) => value !== undefined);
