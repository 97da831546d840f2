import { AccountsErrorCode, PhdmfError, type Role } from '@phdmf/contracts';

/** The acting user as it arrived in the message's actor header (authenticated at the REST edge). */
export interface ActingUser {
  userId: string;
  organisationId?: string;
  roles: readonly string[];
}

export function hasRole(actor: ActingUser, role: Role): boolean {
  return actor.roles.includes(role);
}

/** The actor, or AUTH.UNAUTHENTICATED: every user-bound message must name who acts. */
export function requireActor(actor: ActingUser | undefined): ActingUser {
  if (!actor) throw new PhdmfError(AccountsErrorCode.UNAUTHENTICATED, 'This request needs an authenticated user');
  return actor;
}

export function forbidden(message: string): PhdmfError {
  return new PhdmfError(AccountsErrorCode.FORBIDDEN, message);
}
