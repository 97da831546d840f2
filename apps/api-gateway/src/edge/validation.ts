import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { Transform } from 'class-transformer';
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

const CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * A path or query integer: canonical decimal only (`0`, `42`), converted to a number; anything
 * else (` 1`, `0x3`, `1e1`, `+2`, `3.0`, `007`, the empty string) stays a string for `@IsInt()`
 * to refuse. `Number()` would accept them all, and `Number(' ')` is 0.
 */
export function CanonicalInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && CANONICAL_DECIMAL.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value));
}
