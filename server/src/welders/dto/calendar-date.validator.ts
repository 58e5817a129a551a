import { ValidateIf } from 'class-validator';

// One strict calendar-date rule for the whole API (common/validation/dates.ts).
export { isStrictCalendarDate as isCalendarDate, IsCalendarDate } from '../../common/validation/dates';

/**
 * Like @IsOptional but lets only `undefined` through: null would reach a NOT NULL column
 * and become a 500 instead of a field error.
 */
export const IsOmittable = () => ValidateIf((_: object, value: unknown) => value !== undefined);
