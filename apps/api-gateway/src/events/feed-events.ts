// What the event feed carries: a subset of the ledger's events, each under its chaincode event name
// (the SSE `event:` field), with the ledger event's payload as typed in the contracts
// (LedgerChainEventPayload, `record` narrowed per event). The web console and the typed client are
// built against these names: adding one is a change of the documented feed (OpenAPI, README).
import { LEDGER_EVENTS, type LedgerEventName } from '@phdmf/contracts';

/** The ledger events the feed delivers, to whom `EventVisibility` (event-visibility.ts) decides. */
export const FEED_EVENT_NAMES = ['AccessRequested', 'AccessGranted', 'AccessDenied', 'AccessRevoked', 'MemberAdmitted', 'MemberRejected', 'TamperDetected', 'AnalysisRecorded'] as const satisfies readonly LedgerEventName[];

export type FeedEventName = (typeof FEED_EVENT_NAMES)[number];

/**
 * The chaincode function (`<contract>:<function>`) that wrote each feed event's record: the key of the
 * ledger's per-field reading rule (LEDGER_CONFIDENTIAL_FIELDS in @phdmf/contracts), applied to each payload.
 */
export const FEED_EVENT_FUNCTIONS: Readonly<Record<FeedEventName, string>> = {
  AccessRequested: 'access:requestAccess',
  AccessGranted: 'access:grantAccess',
  AccessDenied: 'access:denyAccess',
  AccessRevoked: 'access:revokeAccess',
  MemberAdmitted: 'consortium:admitMember',
  MemberRejected: 'consortium:rejectMember',
  TamperDetected: 'audit:recordTamperFinding',
  AnalysisRecorded: 'audit:recordAnalysis',
};

/** The last message of a stream whose token expired (no `id:`, so a reconnect resumes after the last event). */
export const SESSION_EXPIRED_EVENT = 'session-expired';

/** One event of the stream the feed may deliver. */
export interface FeedEvent<N extends FeedEventName = FeedEventName> {
  /** The JetStream stream sequence: the SSE `id`, and what `Last-Event-ID` resumes after. */
  seq: number;
  name: N;
  payload: (typeof LEDGER_EVENTS)[N]['Payload']['prototype'];
}

const BY_SUBJECT: ReadonlyMap<string, FeedEventName> = new Map(FEED_EVENT_NAMES.map((name) => [LEDGER_EVENTS[name].SUBJECT, name]));

/** The feed's name for an event stream subject, if the feed carries it (the name is the subject's, never the payload's say-so). */
export function feedEventNameOf(subject: string): FeedEventName | undefined {
  return BY_SUBJECT.get(subject);
}
