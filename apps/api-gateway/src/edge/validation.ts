import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';

/**
 * Request bodies, queries and path parameters are validated against their DTOs: unknown fields are
 * refused (not silently stripped) and a failure answers VALIDATION.FAILED naming each field.
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
    exceptionFactory: (errors: ValidationError[]) => {
      const fields = flatten(errors);
      return validationFailed(fields);
    },
  });
}

/**
 * Field names that class-transformer skips without a word (they would reach an object's
 * prototype), so the whitelist never sees them: refused here, at any depth, like any unknown field.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const field = metadata.type === 'custom' ? undefined : forbiddenKeyIn(value);
    if (field !== undefined) throw validationFailed([{ field, problems: [`property ${field.split('.').pop() ?? field} should not exist`] }]);
    return super.transform(value, metadata);
  }
}

/** The path of the first field named like {@link FORBIDDEN_KEYS}, or undefined. Iterative: bodies are depth-bounded by the parser, queries are flat. */
function forbiddenKeyIn(value: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined || typeof next.value !== 'object' || next.value === null) continue;
    for (const key of Object.keys(next.value)) {
      const path = next.path ? `${next.path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return path;
      stack.push({ value: (next.value as Record<string, unknown>)[key], path });
    }
  }
  return undefined;
}

function validationFailed(fields: { field: string; problems: string[] }[]): PhdmfError {
  return new PhdmfError(CommonErrorCode.VALIDATION_FAILED, `Invalid request: ${fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ')}`, { fields });
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
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
