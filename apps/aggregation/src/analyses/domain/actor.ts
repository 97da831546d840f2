import type { ActingUser } from '@phdmf/contracts';

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
