import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type MetadataStorage } from 'class-validator';
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

/**
 * class-validator looks up a class' constraints on every validation by walking every class it knows
 * (an `instanceof` each, for inherited constraints): O(classes) per payload and per nested object, about
 * 3 µs of the ~20 µs a request costs the server with only the contracts loaded (86 classes; a service
 * has more). A class' constraints change only when a decorator registers one, i.e. when a module is
 * loaded, so each lookup is remembered until the next registration. Lookups with groups or a schema
 * (not used here) go to class-validator as they are. The storage is process-wide (class-validator keeps
 * it on `global`), so the HTTP edge's ValidationPipe gains too.
 */
function rememberConstraintLookups(storage: MetadataStorage): void {
  const marked = storage as MetadataStorage & { [REMEMBERED]?: true };
  if (marked[REMEMBERED]) return;
  marked[REMEMBERED] = true;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  type Found = ReturnType<typeof lookup>;
  let remembered = new Map<object, Map<string, Found>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    // Typed as a string, undefined when validating a class (every call here).
    if ((schema as string | undefined) !== undefined || (groups !== undefined && groups.length > 0)) return lookup(target, schema, always, strictGroups, groups);
    const key = `${always}:${strictGroups}`;
    let byOptions = remembered.get(target);
    if (!byOptions) remembered.set(target, (byOptions = new Map<string, Found>()));
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  const addValidation = storage.addValidationMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    remembered = new Map();
    addValidation(metadata);
  };
  const addConstraint = storage.addConstraintMetadata.bind(storage);
  storage.addConstraintMetadata = (metadata) => {
    remembered = new Map();
    addConstraint(metadata);
  };
}

const REMEMBERED = Symbol.for('phdmf.validation.rememberedLookups');
rememberConstraintLookups(getMetadataStorage());
