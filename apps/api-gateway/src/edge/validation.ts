import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { fieldProblems, prototypeKeyIn, prototypeKeyRefused, validationFailed } from '@phdmf/contracts';

/**
 * Request bodies, queries and path parameters are validated against their DTOs: unknown fields are
 * refused (not silently stripped; `__proto__`, `constructor` and `prototype` at any depth too) and a
 * failure answers VALIDATION.FAILED naming each field.
 */
export function edgeValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // The DTO's own conversions only (@CanonicalInt): a string is never silently coerced into a number.
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => validationFailed('Invalid request', fieldProblems(errors)),
  });
}

class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Before class-transformer, which drops prototype keys unseen. Not on custom parameters (the user).
    const prototypeKey = metadata.type === 'custom' ? undefined : prototypeKeyIn(value);
    if (prototypeKey !== undefined) throw prototypeKeyRefused('Invalid request', prototypeKey);
    return super.transform(value, metadata);
  }
}

// Path and query integers: canonical decimal only; the rule lives in @phdmf/contracts beside `PageQuery.limit`, which uses it too.
export { CanonicalInt } from '@phdmf/contracts';
