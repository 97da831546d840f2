import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { CommonErrorCode, PhdmfError, type PayloadClass } from '@phdmf/contracts';

/**
 * Validates a decoded payload against its contract class at the receiving edge: unknown fields are
 * refused (not silently dropped) so that a sender's typo is an error, not a lost value.
 *
 * Synchronous on purpose: every contract constraint is a synchronous check, and `validate()`
 * would add a promise per constraint on the hot path of every request and event (the ledger
 * service validates thousands of commands per second).
 */
export function validatePayload<P extends object>(payloadClass: PayloadClass<P>, data: unknown): P {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PhdmfError(CommonErrorCode.VALIDATION_FAILED, 'Payload must be a JSON object');
  }
  const instance = plainToInstance(payloadClass, data);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
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
