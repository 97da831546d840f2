// Access requests: listing them and the owner's three decisions. Each decision is answered once its
// transaction is committed; the page shows that transaction and its block.
import { api, call } from '../../api/client';
import type { AccessRequest, Statistic } from '../market/apply';

export type Scope = 'mine' | 'incoming';
export type Decision = 'grant' | 'deny' | 'revoke';

export function listRequests(scope: Scope, cursor: string | undefined) {
  return call(api.GET('/api/v1/access-requests', { params: { query: { scope, ...(cursor ? { cursor } : {}) } } }));
}

/** Which decisions a request in this state takes. */
export function decisionsFor(request: Pick<AccessRequest, 'status'>): Decision[] {
  if (request.status === 'pending') return ['grant', 'deny'];
  if (request.status === 'granted') return ['revoke'];
  return [];
}

export interface DecisionInput {
  reason: string;
  /** grant only: narrow the request to these. */
  columns?: string[];
  statistics?: Statistic[];
  /** grant only: yyyy-mm-dd, no later than the requested expiry. */
  expiryDate?: string;
}

export function decide(requestId: string, decision: Decision, input: DecisionInput): Promise<AccessRequest> {
  const path = { requestId };
  if (decision === 'grant') {
    const body = {
      // A grant covers the version asked about; the owner widens that on purpose, not by default.
      followsUpdates: false,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.columns ? { columns: input.columns } : {}),
      ...(input.statistics ? { statistics: input.statistics } : {}),
      ...(input.expiryDate ? { expiresAt: `${input.expiryDate}T23:59:59Z` } : {}),
    };
    return call(api.POST('/api/v1/access-requests/{requestId}/grant', { params: { path }, body }));
  }
  if (decision === 'deny') return call(api.POST('/api/v1/access-requests/{requestId}/deny', { params: { path }, body: { reason: input.reason } }));
  return call(api.POST('/api/v1/access-requests/{requestId}/revoke', { params: { path }, body: { reason: input.reason } }));
}
