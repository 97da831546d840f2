import { PhdmfError } from '@phdmf/contracts';

/** The code of the PhdmfError a call throws, or undefined when it returns. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof PhdmfError ? e.code : 'not a PhdmfError';
  }
  return undefined;
}
