// The feed's visibility rule where the token and the event decide alone (the lookups it makes for
// admissions and tamper findings are exercised against the real services in e2e/events), and the
// ledger's per-field reading rule applied to what is sent.
import type { AccessTokenClaims } from '@phdmf/auth';
import type { MessageBus } from '@phdmf/messaging';
import { EventVisibility, payloadAsSeenBy } from './event-visibility';
import type { FeedEvent, FeedEventName } from './feed-events';

const claims = (userId: string, roles: AccessTokenClaims['roles'], organisationId?: string): AccessTokenClaims => ({ userId, roles, tokenId: 't', expiresAt: new Date(Date.now() + 60_000), ...(organisationId ? { organisationId } : {}) });
const event = (name: FeedEventName, record: object): FeedEvent => ({ seq: 1, name, payload: { txId: 'tx', blockNumber: 1, txIndex: 0, eventIndex: 0, eventName: name, record } } as FeedEvent);

const request = { requestId: 'r1', datasetId: 'ds-1', ownerMemberId: 'm-owner', requester: 'u-researcher', purpose: 'a purpose', columns: ['age'], statistics: ['count'], status: 'pending' };
const researcher = claims('u-researcher', ['researcher']);
const ownerStaff = claims('u-staff', ['member'], 'm-owner');
const ownerAdmin = claims('u-owner-admin', ['institution-admin'], 'm-owner');
const otherStaff = claims('u-other', ['institution-admin'], 'm-other');
const consortiumAdmin = claims('u-admin', ['consortium-admin']);
const otherResearcher = claims('u-someone', ['researcher']);

// These events are decided from the token and the record alone: a bus that is used would fail the test.
const visibility = new EventVisibility(undefined as unknown as MessageBus);

describe('who sees which event of the feed', () => {
  it('shows a new request to the staff of the owner institution only', async () => {
    const e = event('AccessRequested', request);
    expect(await Promise.all([ownerStaff, ownerAdmin, researcher, otherStaff, consortiumAdmin, otherResearcher].map((c) => visibility.maySee(e, c)))).toEqual([true, true, false, false, false, false]);
  });

  it.each(['AccessGranted', 'AccessDenied', 'AccessRevoked'] as const)('shows %s to the requester only', async (name) => {
    const e = event(name, { ...request, status: 'granted' });
    expect(await Promise.all([researcher, ownerStaff, ownerAdmin, otherStaff, consortiumAdmin, otherResearcher].map((c) => visibility.maySee(e, c)))).toEqual([true, false, false, false, false, false]);
  });

  it('shows an analysis to its requester only', async () => {
    const e = event('AnalysisRecorded', { analysisId: 'an-1', requester: 'u-researcher', grants: [], statistics: ['count'], columns: ['age'] });
    expect(await Promise.all([researcher, otherResearcher, ownerAdmin, consortiumAdmin].map((c) => visibility.maySee(e, c)))).toEqual([true, false, false, false]);
  });

  it('sends a rejection\u2019s reason to a consortium admin only (the ledger\u2019s rule), the rest of it to the applicant', () => {
    const rejected = event('MemberRejected', { memberId: 'm-new', name: 'Clinic', mspId: 'm-new-msp', status: 'rejected', reason: 'not a medical institution', decidedAt: 'x', updatedAt: 'x', txId: 'tx' });
    expect(payloadAsSeenBy(rejected, consortiumAdmin)?.payload.record).toHaveProperty('reason', 'not a medical institution');
    const applicantView = payloadAsSeenBy(rejected, claims('u-applicant', ['researcher']))?.payload.record;
    expect(applicantView).not.toHaveProperty('reason');
    expect(applicantView).toMatchObject({ memberId: 'm-new', status: 'rejected' });
    // The stored event is not changed for the next reader.
    expect(rejected.payload.record).toHaveProperty('reason');
  });

  it('sends a request\u2019s confidential fields whole to those it concerns', () => {
    expect(payloadAsSeenBy(event('AccessRequested', request), ownerStaff)?.payload.record).toEqual(request);
    expect(payloadAsSeenBy(event('AccessGranted', request), researcher)?.payload.record).toEqual(request);
  });
});
