// The market's read side: one place that knows how an entry's status is shown and how a page is asked for.
import { api, call } from '../../api/client';
import type { components } from '@phdmf/client';

export type MarketEntry = components['schemas']['MarketEntryResponse'];
export type MarketStatus = 'released' | 'tampered' | 'deleted' | 'closed';

/** The one status a person reads: tampered and deleted (the ledger's) before closed (the owner's stance). */
export function statusOf(entry: Pick<MarketEntry, 'status' | 'stance'>): MarketStatus {
  if (entry.status === 'tampered' || entry.status === 'deleted') return entry.status;
  return entry.stance === 'closed' ? 'closed' : 'released';
}

export interface MarketFilter {
  q?: string;
  institution?: string;
  column?: string;
  /** The previous page's nextCursor (the first page without). */
  cursor?: string;
}

export const PAGE_SIZE = 20;

export function searchMarket(filter: MarketFilter) {
  return call(
    api.GET('/api/v1/market/datasets', {
      params: {
        query: {
          limit: PAGE_SIZE,
          ...(filter.q ? { q: filter.q } : {}),
          ...(filter.institution ? { institution: filter.institution } : {}),
          ...(filter.column ? { column: filter.column } : {}),
          ...(filter.cursor ? { cursor: filter.cursor } : {}),
        },
      },
    }),
  );
}

export function getEntry(datasetId: string) {
  return call(api.GET('/api/v1/market/datasets/{datasetId}', { params: { path: { datasetId } } }));
}

/** Whether the caller may open or close the entry to requests: an admin of the owner institution (the authorization service checks it again). */
export function maySetStance(entry: Pick<MarketEntry, 'ownerMemberId'>, user: { roles: readonly string[]; organisationId?: string } | undefined): boolean {
  return user !== undefined && user.roles.includes('institution-admin') && user.organisationId === entry.ownerMemberId;
}

/** Opens or closes the dataset to new access requests (an on-chain change); the updated entry. */
export function setStance(datasetId: string, stance: MarketEntry['stance']) {
  // @phdmf/client adds the Idempotency-Key to this committing call.
  return call(api.PUT('/api/v1/market/datasets/{datasetId}/stance', { params: { path: { datasetId } }, body: { stance } }));
}

export function listInstitutions() {
  return call(api.GET('/api/v1/institutions'));
}
