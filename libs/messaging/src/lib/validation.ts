import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { CommonErrorCode, PhdmfError, type PayloadClass } from '@phdmf/contracts';

/**
 * Validates a decoded payload against its contract class at the receiving edge: unknown fields are
 * refused (not silently dropped) so that a sender's typo is an error, not a lost value.
 */
export async function validatePayload<P extends object>(payloadClass: PayloadClass<P>, data: unknown): Promise<P> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PhdmfError(CommonErrorCode.VALIDATION_FAILED, 'Payload must be a JSON object');
  }
  const instance = plainToInstance(payloadClass, data);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    const fields = flatten(errors);
    throw new PhdmfError(
      CommonErrorCode.VALIDATION_FAILED,
      `Invalid payload: ${fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ')}`,
      { fields },
    );
  }
  return instance;
}

interface FieldProblem {
  field: string;
  problems: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
