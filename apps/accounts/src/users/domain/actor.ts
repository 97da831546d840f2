import { AccountsErrorCode, PhdmfError, type ActingUser, type Role } from '@phdmf/contracts';

export function hasRole(actor: ActingUser, role: Role): boolean {
  return actor.roles.includes(role);
}

export function forbidden(message: string): PhdmfError {
  return new PhdmfError(AccountsErrorCode.FORBIDDEN, message);
}
