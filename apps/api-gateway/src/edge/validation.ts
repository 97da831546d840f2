import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';

/**
 * Request bodies, queries and path parameters are validated against their DTOs: unknown fields are
 * refused (not silently stripped) and a failure answers VALIDATION.FAILED naming each field.
 */
export function edgeValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // The DTO's own @Type conversions only: a string is never silently coerced into a number.
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => {
      const fields = flatten(errors);
      return new PhdmfError(CommonErrorCode.VALIDATION_FAILED, `Invalid request: ${fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ')}`, { fields });
    },
  });
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
