import { AggregationErrorCode, PhdmfError } from '@phdmf/contracts';

/** The acting user from the message's actor header (authenticated at the REST edge). */
export interface ActingUser {
  userId: string;
  organisationId?: string;
  roles: readonly string[];
}

export function requireActor(actor: ActingUser | undefined): ActingUser {
  if (!actor) throw new PhdmfError(AggregationErrorCode.UNAUTHENTICATED, 'This request needs an authenticated user');
  return actor;
}

/**
 * Who may see an analysis. The REST edge authenticates; these rules hold for any message that
 * reaches the service, whoever sent it.
 */
export const AnalysisPolicy = {
  /** The requester, whose grants it used, and the consortium admin, who audits. */
  mayRead(a: ActingUser, requester: string): boolean {
    return a.userId === requester || a.roles.includes('consortium-admin');
  },
};
