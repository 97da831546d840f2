import { ValidateIf } from 'class-validator';

/**
 * An optional field: absent, or valid by the field's other rules. Unlike class-validator's
 * `@IsOptional()` it does not wave `null` through: an optional field that is not nullable refuses
 * `null`, which would otherwise reach a service as a value no rule checked.
 */
export function OptionalField(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
