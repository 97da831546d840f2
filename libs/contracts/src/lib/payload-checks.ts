import type { ValidationError } from 'class-validator';
import { CommonErrorCode, PhdmfError } from './errors';

/** One field's problems, as VALIDATION.FAILED lists them in its details. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/**
 * Field names that class-transformer skips without a word (they would reach an object's
 * prototype), so a whitelist never sees them: every receiving edge (the REST edge, the bus)
 * refuses them like any unknown field.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first field named `__proto__`, `constructor` or `prototype`, at any depth, or undefined. Iterative. */
export function prototypeKeyIn(value: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined || typeof next.value !== 'object' || next.value === null) continue;
    for (const key of Object.keys(next.value)) {
      const path = next.path ? `${next.path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) return path;
      stack.push({ value: (next.value as Record<string, unknown>)[key], path });
    }
  }
  return undefined;
}

/** class-validator's nested errors as a flat list of dotted field paths. */
export function fieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...fieldProblems(e.children ?? [], field)];
  });
}

/** VALIDATION.FAILED naming each field and its problems. */
export function validationFailed(what: string, fields: FieldProblem[]): PhdmfError {
  return new PhdmfError(CommonErrorCode.VALIDATION_FAILED, `${what}: ${fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ')}`, { fields });
}

/** VALIDATION.FAILED for a prototype key found by {@link prototypeKeyIn}. */
export function prototypeKeyRefused(what: string, path: string): PhdmfError {
  return validationFailed(what, [{ field: path, problems: [`property ${path.split('.').pop() ?? path} should not exist`] }]);
}
