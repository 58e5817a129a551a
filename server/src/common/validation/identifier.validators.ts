import { registerDecorator, ValidationOptions } from 'class-validator';
import { isValidIdNumber, isValidMobile, isValidUscc } from './identifiers';

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

export const IsIdNumber = makeDecorator(
  'isIdNumber',
  isValidIdNumber,
  '$property must be an 18-character resident ID number with a valid check digit',
);
export const IsUscc = makeDecorator(
  'isUscc',
  isValidUscc,
  '$property must be an 18-character unified social credit code with a valid check character',
);
export const IsMobile = makeDecorator(
  'isMobile',
  isValidMobile,
  '$property must be an 11-digit mainland mobile number',
);
export const IsRegionCode = makeDecorator(
  'isRegionCode',
  (v) => typeof v === 'string' && /^\d{6}(\d{3}(\d{3})?)?$/.test(v),
  '$property must be a 6, 9 or 12 digit administrative division code',
);
