import { getMetadataStorage } from 'class-validator';

export type ConstraintParams = Record<string, string | number>;

/**
 * The limits of a failed class-validator rule (e.g. { constraint1: 2000 } for @Max(2000)), named like
 * class-validator's own message tokens, so clients can word the rule in the user's language instead of
 * showing the English message. Only primitive limits are given: enum and pattern internals are not text.
 */
export function constraintParams(
  target: object | undefined,
  property: string,
  code: string,
): ConstraintParams | undefined {
  if (!target || typeof target !== 'object') return undefined;
  const meta = getMetadataStorage()
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .find((m) => m.propertyName === property && (m.name ?? m.type) === code);
  const params: ConstraintParams = {};
  (meta?.constraints ?? []).forEach((c: unknown, i: number) => {
    if (typeof c === 'number' || typeof c === 'string') params[`constraint${i + 1}`] = c;
    else if (Array.isArray(c) && c.every((v) => typeof v === 'number' || typeof v === 'string'))
      params[`constraint${i + 1}`] = c.join(', ');
  });
  return Object.keys(params).length ? params : undefined;
}
