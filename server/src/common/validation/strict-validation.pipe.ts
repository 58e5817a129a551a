import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import { getMetadataStorage, ValidationError, ValidatorOptions } from 'class-validator';

interface PropertyRules {
  /** Properties the DTO declares (any class-validator rule). */
  known: Set<string>;
  /** Nested-DTO properties that take one object, not an array of them. */
  singleObject: Set<string>;
}

/** A DTO class as class-validator sees it (`metatype` is typed as Function there). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator's own type
type DtoClass = Function;

const rulesCache = new Map<DtoClass, PropertyRules>();

function rulesOf(ctor: DtoClass): PropertyRules {
  let rules = rulesCache.get(ctor);
  if (rules) return rules;
  const metas = getMetadataStorage().getTargetValidationMetadatas(ctor, '', true, false);
  const known = new Set<string>();
  const nested = new Map<string, boolean>();
  const arrays = new Set<string>();
  for (const m of metas) {
    known.add(m.propertyName);
    if (m.type === 'nestedValidation')
      nested.set(m.propertyName, (nested.get(m.propertyName) ?? false) || m.each === true);
    if (m.name === 'isArray') arrays.add(m.propertyName);
  }
  const singleObject = new Set([...nested].filter(([p, each]) => !each && !arrays.has(p)).map(([p]) => p));
  rules = { known, singleObject };
  rulesCache.set(ctor, rules);
  return rules;
}

/** The OpenAPI document is the contract: a property takes null only where it says `nullable: true`. */
function isNullable(ctor: DtoClass, property: string): boolean {
  const meta = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, ctor.prototype, property) as
    { nullable?: boolean } | undefined;
  return meta?.nullable === true;
}

function isDtoInstance(v: unknown): v is object {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    v.constructor !== Object &&
    typeof v.constructor === 'function'
  );
}

/**
 * Rules class-validator does not enforce on its own, checked on every transformed DTO:
 * - @IsOptional lets null through, so null reached NOT NULL columns (500) or code that reads
 *   properties of it; null is refused unless the property is documented nullable.
 * - @ValidateNested validates each element of an array, so `site: []` passed as a valid site;
 *   an array is refused where one nested object is expected.
 */
export function structuralErrors(obj: object, depth = 0): ValidationError[] {
  if (depth > 16) return [];
  const ctor = obj.constructor;
  const rules = rulesOf(ctor);
  const errors: ValidationError[] = [];
  const fail = (property: string, constraints: Record<string, string>) =>
    errors.push(Object.assign(new ValidationError(), { property, constraints, children: [] }));
  for (const key of Object.keys(obj)) {
    if (!rules.known.has(key)) continue; // unknown properties are reported by forbidNonWhitelisted
    const v = (obj as Record<string, unknown>)[key];
    if (v === null) {
      if (!isNullable(ctor, key)) fail(key, { isNotNull: `${key} must not be null` });
    } else if (Array.isArray(v)) {
      if (rules.singleObject.has(key)) fail(key, { isObject: `${key} must be an object, not an array` });
      else {
        const children = v.flatMap((el, i) =>
          isDtoInstance(el) ? nest(String(i), structuralErrors(el, depth + 1)) : [],
        );
        if (children.length) errors.push(Object.assign(new ValidationError(), { property: key, children }));
      }
    } else if (isDtoInstance(v)) {
      errors.push(...nest(key, structuralErrors(v, depth + 1)));
    }
  }
  return errors;
}

function nest(property: string, children: ValidationError[]): ValidationError[] {
  return children.length ? [Object.assign(new ValidationError(), { property, children })] : [];
}

/** The global ValidationPipe plus the structural rules above. */
export class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A request without a body reaches untyped (Record) handlers as undefined, which they read properties of.
    return super.transform(metadata.type === 'body' && value === undefined ? {} : value, metadata);
  }

  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, validatorOptions);
    return isDtoInstance(object) ? [...errors, ...structuralErrors(object)] : errors;
  }
}
