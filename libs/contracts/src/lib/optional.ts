import { ApiProperty } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';

/**
 * An optional field: absent, or valid by the field's other rules. Unlike class-validator's
 * `@IsOptional()` it does not wave `null` through: an optional field that is not nullable refuses
 * `null`, which would otherwise reach a service as a value no rule checked. Documented as not
 * required (the field's own validator documents its schema).
 */
export function OptionalField(): PropertyDecorator {
  const validate = ValidateIf((_object: object, value: unknown) => value !== undefined);
  const doc = ApiProperty({ required: false });
  return (target, key) => {
    validate(target, key);
    doc(target, key);
  };
}
