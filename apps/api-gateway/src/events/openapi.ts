// The feed's wire format in the OpenAPI document: one schema per event type for the JSON of its
// `data:` line (the ledger event payload of libs/contracts: LedgerChainEventPayload with its record),
// and the stream itself as `text/event-stream`. The records' optional fields are listed; the schemas
// allow no other fields, so the typed client and the console see every field a payload can carry.
import { FEED_EVENT_NAMES, SESSION_EXPIRED_EVENT, type FeedEventName } from './feed-events';

type Schema = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer', minimum: 0 };
const strings = { type: 'array', items: str };
const dateTime = { type: 'string', format: 'date-time' };
const decision = { type: 'object', required: ['operator', 'reason', 'decidedAt', 'txId'], properties: { operator: str, reason: str, decidedAt: dateTime, txId: str }, additionalProperties: false };

function object(required: string[], optional: Record<string, unknown>, requiredTypes: Record<string, unknown>): Schema {
  return { type: 'object', required, properties: { ...requiredTypes, ...optional }, additionalProperties: false };
}

const accessRequestRecord = object(
  ['requestId', 'datasetId', 'datasetVersion', 'datasetSha256', 'ownerMemberId', 'ownerMspId', 'requester', 'purpose', 'columns', 'statistics', 'requestedExpiry', 'submittedByMspId', 'requestedAt', 'requestTxId', 'status', 'updatedAt', 'txId'],
  {
    requesterOrg: str,
    privacyMode: { type: 'string', enum: ['controlled', 'dp'] },
    budgetRho: { type: 'number' },
    grant: { type: 'object', description: 'The grant as committed: columns, statistics, expiresAt, operator, grantedAt, txId and its optional terms', additionalProperties: true },
    denial: decision,
    revocation: decision,
  },
  {
    requestId: str, datasetId: str, datasetVersion: int, datasetSha256: str, ownerMemberId: str, ownerMspId: str, requester: { type: 'string', description: "The requester's user id" }, purpose: str, columns: strings, statistics: strings,
    requestedExpiry: dateTime, submittedByMspId: str, requestedAt: dateTime, requestTxId: str, status: { type: 'string', enum: ['pending', 'granted', 'denied', 'revoked'] }, updatedAt: dateTime, txId: str,
  },
);

const memberRecord = object(
  ['memberId', 'name', 'mspId', 'status', 'decidedAt', 'updatedAt', 'txId'],
  { nodeId: str, nodePublicKey: str, endpoint: str, reason: str },
  { memberId: str, name: str, mspId: str, status: { type: 'string', enum: ['active', 'rejected'] }, decidedAt: dateTime, updatedAt: dateTime, txId: str },
);

const tamperRecord = object(
  ['findingId', 'datasetId', 'datasetVersion', 'expectedSha256', 'foundSha256', 'nodeId', 'ownerMemberId', 'mspId', 'detectedAt', 'txId'],
  {},
  { findingId: str, datasetId: str, datasetVersion: int, expectedSha256: str, foundSha256: str, nodeId: str, ownerMemberId: str, mspId: str, detectedAt: dateTime, txId: str },
);

const analysisRecord = object(
  ['analysisId', 'requester', 'grants', 'statistics', 'columns', 'resultHash', 'recordedByMspId', 'recordedAt', 'txId'],
  { reservationTxId: str },
  {
    analysisId: str, requester: str, statistics: strings, columns: strings, resultHash: str, recordedByMspId: str, recordedAt: dateTime, txId: str,
    grants: { type: 'array', items: { type: 'object', required: ['requestId', 'datasetId', 'sha256', 'datasetVersion'], properties: { requestId: str, datasetId: str, sha256: str, datasetVersion: int }, additionalProperties: false } },
  },
);

const RECORDS: Record<FeedEventName, Schema> = {
  AccessRequested: accessRequestRecord,
  AccessGranted: accessRequestRecord,
  AccessDenied: accessRequestRecord,
  AccessRevoked: accessRequestRecord,
  MemberAdmitted: memberRecord,
  MemberRejected: memberRecord,
  TamperDetected: tamperRecord,
  AnalysisRecorded: analysisRecord,
};

/** The JSON of one event's `data:` line. */
function payloadSchema(name: FeedEventName): Schema {
  return {
    type: 'object',
    required: ['txId', 'blockNumber', 'txIndex', 'eventIndex', 'eventName', 'record'],
    properties: { txId: str, blockNumber: int, txIndex: int, eventIndex: int, eventName: { type: 'string', enum: [name] }, record: RECORDS[name] },
    additionalProperties: false,
  };
}

/** Component schemas: `FeedEvent<Name>` per event type, and the session-expired message's data. */
export const FEED_SCHEMAS: Record<string, Schema> = {
  ...Object.fromEntries(FEED_EVENT_NAMES.map((name) => [`FeedEvent${name}`, payloadSchema(name)])),
  FeedSessionExpired: { type: 'object', required: ['code', 'expiredAt'], properties: { code: { type: 'string', enum: ['AUTH.TOKEN_EXPIRED'] }, expiredAt: dateTime }, additionalProperties: false },
};

export const FEED_DESCRIPTION = [
  'Server-Sent Events of what the caller may see, as it is committed on the ledger, read from the durable event stream.',
  'Each message: `id: <stream sequence>`, `event: <type>`, `data: <one line of JSON>` (the schemas `FeedEvent<type>`); a comment `: keep-alive` every 15 s.',
  `Types and who receives them: ${FEED_EVENT_NAMES.join(', ')} — AccessRequested to the staff of the dataset's owner institution; AccessGranted/AccessDenied/AccessRevoked to the requester;`,
  'MemberAdmitted/MemberRejected to consortium admins and the applicant; TamperDetected to the owner institution\'s staff and current grant holders on the dataset; AnalysisRecorded to its requester.',
  'Resume with the `Last-Event-ID` header (or `?lastEventId=`): the stream continues after that sequence, missing and repeating nothing; without it, it starts with the next event committed.',
  `When the access token expires the stream ends with \`event: ${SESSION_EXPIRED_EVENT}\` (data \`FeedSessionExpired\`, no id): reconnect with a fresh token and the last id.`,
].join(' ');

/** The 200 answer's content, for @ApiOkResponse. */
export const FEED_CONTENT = {
  'text/event-stream': {
    schema: { type: 'string', description: 'A stream of Server-Sent Events; each `data:` is one of the schemas below', example: 'id: 42\nevent: AccessGranted\ndata: {"txId":"…","blockNumber":17,"txIndex":0,"eventIndex":0,"eventName":"AccessGranted","record":{…}}\n\n: keep-alive\n\n' },
    'x-sse-events': Object.fromEntries([...FEED_EVENT_NAMES.map((name) => [name, { $ref: `#/components/schemas/FeedEvent${name}` }]), [SESSION_EXPIRED_EVENT, { $ref: '#/components/schemas/FeedSessionExpired' }]]),
  },
};
