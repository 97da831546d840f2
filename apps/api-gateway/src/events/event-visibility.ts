// Who sees which event of the feed: the one rule, applied to every event before it is sent. The
// owning services' own reading rules are the reference (a request's requester, its owner
// institution's staff; an application's applicant; a consortium admin); where the edge cannot tell
// from the token and the event alone, it asks the owning service as the caller, so the answer is the
// service's rule applied to that caller, not a copy of it.
import { Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AuthorizationListAccessRequests, NodeRegistryListApplications, recordAsSeenBy, type Role } from '@phdmf/contracts';
import { MessageBus, type ActorHeader } from '@phdmf/messaging';
import { FEED_EVENT_FUNCTIONS, type FeedEvent } from './feed-events';

/** The roles of an institution's staff. */
const STAFF: readonly Role[] = ['institution-admin', 'member'];

@Injectable()
export class EventVisibility {
  constructor(private readonly bus: MessageBus) {}

  /**
   * The event as `caller` may receive it, or `undefined` when it is not theirs to see ({@link maySee});
   * its record then goes through the ledger's own per-field reading rule (a rejection's reason is a
   * consortium admin's only, also in the applicant's feed).
   */
  async asSeenBy(event: FeedEvent, caller: AccessTokenClaims): Promise<FeedEvent | undefined> {
    if (!(await this.maySee(event, caller))) return undefined;
    return payloadAsSeenBy(event, caller);
  }

  /**
   * Whether `caller` may see `event`:
   * - AccessRequested: the staff (institution admins and members) of the institution that owns the dataset;
   * - AccessGranted, AccessDenied, AccessRevoked: the requester, of their own request;
   * - MemberAdmitted, MemberRejected: a consortium admin, and the applicant of that application;
   * - TamperDetected: the owner institution's staff, and whoever holds a grant on the dataset now;
   * - AnalysisRecorded: its requester.
   * Nobody else, and no other event.
   */
  async maySee(event: FeedEvent, caller: AccessTokenClaims): Promise<boolean> {
    switch (event.name) {
      case 'AccessRequested': {
        const { record } = event.payload as FeedEvent<'AccessRequested'>['payload'];
        return isStaffOf(caller, record.ownerMemberId);
      }
      case 'AccessGranted':
      case 'AccessDenied':
      case 'AccessRevoked': {
        const { record } = event.payload as FeedEvent<'AccessGranted'>['payload'];
        return record.requester === caller.userId;
      }
      case 'MemberAdmitted':
      case 'MemberRejected': {
        const { record } = event.payload as FeedEvent<'MemberAdmitted'>['payload'];
        if (caller.roles.includes('consortium-admin')) return true;
        // One's own applications, as node-registry lists them to their applicant (its first page: an
        // applicant has a few).
        const own = await this.bus.request(NodeRegistryListApplications.CONTRACT, {}, { actor: actorOf(caller) });
        return own.items.some((a) => a.memberId === record.memberId);
      }
      case 'TamperDetected': {
        const { record } = event.payload as FeedEvent<'TamperDetected'>['payload'];
        if (isStaffOf(caller, record.ownerMemberId)) return true;
        // A grant the caller holds on that dataset, as the authorization service lists it to them.
        const granted = await this.bus.request(AuthorizationListAccessRequests.CONTRACT, { scope: 'mine', status: 'granted', datasetId: record.datasetId }, { actor: actorOf(caller) });
        return granted.items.length > 0;
      }
      case 'AnalysisRecorded': {
        const { record } = event.payload as FeedEvent<'AnalysisRecorded'>['payload'];
        return record.requester === caller.userId;
      }
    }
  }
}

/** The payload with its record as the ledger's reading rule lets `caller` read it (the record's requester and owner are its parties). */
export function payloadAsSeenBy(event: FeedEvent, caller: AccessTokenClaims): FeedEvent | undefined {
  const record = event.payload.record as { requester?: unknown; ownerMemberId?: unknown };
  const parties = { requester: typeof record.requester === 'string' ? record.requester : undefined, ownerMemberIds: typeof record.ownerMemberId === 'string' ? [record.ownerMemberId] : [] };
  const seen = recordAsSeenBy(FEED_EVENT_FUNCTIONS[event.name], event.payload.record, caller, parties);
  return seen === undefined ? undefined : ({ ...event, payload: { ...event.payload, record: seen } } as FeedEvent);
}

function isStaffOf(caller: AccessTokenClaims, memberId: string): boolean {
  return caller.organisationId === memberId && caller.roles.some((r) => STAFF.includes(r));
}

function actorOf(caller: AccessTokenClaims): ActorHeader {
  return { userId: caller.userId, roles: [...caller.roles], ...(caller.organisationId !== undefined ? { organisationId: caller.organisationId } : {}) };
}
