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

  /**
   * Whose analyses a list shows: every requester's (or the one asked for) to the consortium admin;
   * to anyone else their own, and none when they ask for another requester's (`null`).
   */
  listedRequester(a: ActingUser, asked: string | undefined): string | undefined | null {
    if (a.roles.includes('consortium-admin')) return asked;
    return asked === undefined || asked === a.userId ? a.userId : null;
  },
};
