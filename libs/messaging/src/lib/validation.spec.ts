import { IsInt, IsOptional, IsString } from 'class-validator';
import { CommonErrorCode, type PhdmfError } from '@phdmf/contracts';
import { validatePayload } from './validation';

class Base {
  @IsString()
  name!: string;
}

class Derived extends Base {
  @IsOptional()
  @IsInt()
  count?: number;
}

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as PhdmfError).code;
  }
}

describe('validatePayload with remembered constraint lookups', () => {
  it('checks inherited constraints on every call, not only the first', () => {
    for (let i = 0; i < 3; i++) {
      expect(validatePayload(Derived, { name: 'a', count: i })).toBeInstanceOf(Derived);
      expect(refusal(() => validatePayload(Derived, { name: 1, count: i }))).toBe(CommonErrorCode.VALIDATION_FAILED);
      expect(refusal(() => validatePayload(Derived, { name: 'a', count: 'x' }))).toBe(CommonErrorCode.VALIDATION_FAILED);
      expect(refusal(() => validatePayload(Derived, { name: 'a', extra: true }))).toBe(CommonErrorCode.VALIDATION_FAILED);
    }
  });

  it('sees a constraint registered after a class was first validated', () => {
    class Late {
      @IsString()
      a!: string;

      b?: unknown;
    }
    // `b` has no constraint yet: an unknown field, refused (whitelist).
    expect(refusal(() => validatePayload(Late, { a: 'x', b: 1 }))).toBe(CommonErrorCode.VALIDATION_FAILED);
    expect(validatePayload(Late, { a: 'x' })).toBeInstanceOf(Late);
    // A decorator applied now (as a module loaded later would) must count from the next call on.
    IsInt()(Late.prototype, 'b');
    expect(validatePayload(Late, { a: 'x', b: 1 })).toBeInstanceOf(Late);
    expect(refusal(() => validatePayload(Late, { a: 'x', b: 'one' }))).toBe(CommonErrorCode.VALIDATION_FAILED);
  });
});
