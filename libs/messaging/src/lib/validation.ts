import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CommonErrorCode, fieldProblems, PhdmfError, prototypeKeyIn, prototypeKeyRefused, validationFailed, type PayloadClass } from '@phdmf/contracts';

/**
 * Validates a decoded payload against its contract class at the receiving edge: unknown fields are
 * refused (not silently dropped) so that a sender's typo is an error, not a lost value — those
 * named `__proto__`, `constructor` or `prototype` too, which class-transformer would drop unseen.
 *
 * Synchronous on purpose: every contract constraint is a synchronous check, and `validate()`
 * would add a promise per constraint on the hot path of every request and event (the ledger
 * service validates thousands of commands per second).
 */
export function validatePayload<P extends object>(payloadClass: PayloadClass<P>, data: unknown): P {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PhdmfError(CommonErrorCode.VALIDATION_FAILED, 'Payload must be a JSON object');
  }
  const prototypeKey = prototypeKeyIn(data);
  if (prototypeKey !== undefined) throw prototypeKeyRefused('Invalid payload', prototypeKey);
  const instance = plainToInstance(payloadClass, data);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  if (errors.length > 0) throw validationFailed('Invalid payload', fieldProblems(errors));
  return instance;
}
