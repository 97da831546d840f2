// Applying for access: the form's defaults and the one call. The rules (which statistics need which,
// whether the dataset takes requests) are the authorization service's; its coded refusal is shown.
import { api, call } from '../../api/client';
import type { components } from '@phdmf/client';
import { LEDGER_STATISTICS } from '@phdmf/contracts/ledger-records';

export type AccessRequest = components['schemas']['AccessRequestResponse'];
export type Statistic = components['schemas']['AccessRequestResponse']['statistics'][number];

/** The statistics a request can name (the summaries, then the models), in the order the form lists them: the ledger's list. */
export const STATISTICS: readonly Statistic[] = LEDGER_STATISTICS;

/** What a new application asks for unless the person changes it. */
export const DEFAULT_STATISTICS: readonly Statistic[] = ['count', 'min', 'max', 'mean', 'variance'];

/** The date input's default: 90 days from today (yyyy-mm-dd). */
export function defaultExpiryDate(now = new Date()): string {
  return new Date(now.getTime() + 90 * 86_400_000).toISOString().slice(0, 10);
}

export interface Application {
  datasetId: string;
  purpose: string;
  columns: string[];
  statistics: Statistic[];
  /** yyyy-mm-dd: access until the end of that day (UTC). */
  expiryDate: string;
  privacyMode: 'controlled' | 'dp';
  budgetRho?: number;
}

export function apply(a: Application): Promise<AccessRequest> {
  return call(
    api.POST('/api/v1/access-requests', {
      body: {
        datasetId: a.datasetId,
        purpose: a.purpose,
        columns: a.columns,
        statistics: a.statistics,
        requestedExpiry: `${a.expiryDate}T23:59:59Z`,
        ...(a.privacyMode === 'dp' ? { privacyMode: 'dp' as const, ...(a.budgetRho !== undefined ? { budgetRho: a.budgetRho } : {}) } : {}),
      },
    }),
  );
}
