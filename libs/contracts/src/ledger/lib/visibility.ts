// Who may read what of the ledger's content. The chain itself (block numbers and hashes, transaction
// ids, validation codes, functions, signing MSPs, times, dataset ids and hashes) is public: anyone
// can check it. What a transaction says about a researcher's access (purpose, columns, statistics,
// expiry, the reasons and operators of decisions, who asked) is read only by those it concerns: the
// requester, the staff of the institution that owns the dataset, and a consortium admin — the same
// readers the access-request API allows. The ledger service applies this module to every query that
// shows ledger content (transactions, provenance); blocks list public fields only.
import type { LedgerTransaction } from './chain';
import type { LedgerProvenanceOperation } from './records';

/** Who reads: the acting user of the query (the actor header); undefined reads the public view. */
export interface LedgerReader {
  userId: string;
  organisationId?: string;
  roles: readonly string[];
}

/** Whom a piece of ledger content concerns. */
export interface LedgerParties {
  /** The researcher (pseudonymous user id) who asked for access or ran the analysis. */
  requester?: string | undefined;
  /** Member ids of the institutions that own the datasets involved. */
  ownerMemberIds: readonly string[];
}

/** The roles with which an institution's own people act for it (decide on its datasets' requests). */
const OWNER_STAFF_ROLES: readonly string[] = ['institution-admin', 'member'];

/** A consortium admin reads everything the ledger holds. */
export function isLedgerAdmin(reader: LedgerReader | undefined): boolean {
  return reader?.roles.includes('consortium-admin') ?? false;
}

/** THE rule: the requester, the owning institution's staff, or a consortium admin. */
export function isConcerned(reader: LedgerReader | undefined, parties: LedgerParties): boolean {
  if (reader === undefined) return false;
  if (isLedgerAdmin(reader)) return true;
  if (parties.requester !== undefined && reader.userId === parties.requester) return true;
  const org = reader.organisationId;
  return org !== undefined && parties.ownerMemberIds.includes(org) && reader.roles.some((role) => OWNER_STAFF_ROLES.includes(role));
}

/** Fields of an access request record that only its concerned parties read (dotted paths). */
const ACCESS_RECORD_FIELDS = [
  'requester',
  'requesterOrg',
  'purpose',
  'columns',
  'statistics',
  'requestedExpiry',
  'privacyMode',
  'budgetRho',
  'grant.columns',
  'grant.statistics',
  'grant.expiresAt',
  'grant.privacyMode',
  'grant.budgetRho',
  'grant.operator',
  'grant.reason',
  'denial.operator',
  'denial.reason',
  'revocation.operator',
  'revocation.reason',
] as const;

const ANALYSIS_FIELDS = ['requester', 'statistics', 'columns'] as const;

// A reservation says who analyses which columns of which datasets, and how much budget it takes.
const RESERVATION_FIELDS = ['requester', 'grants', 'release.reason'] as const;

/** The functions whose record lists the datasets they used in `grants[].datasetId`: those datasets' owners are concerned. */
const ANALYSIS_FUNCTIONS: readonly string[] = ['audit:recordAnalysis', 'budget:reserveBudget', 'budget:releaseReservation'];

/** What a write transaction carries that is not public, and who reads it. */
interface Confidential {
  /** Fields of the request (the transaction's one JSON argument). */
  args: readonly string[];
  /** Fields of the record it wrote (its response, and its event's payload). */
  record: readonly string[];
  /** `concerned`: see {@link isConcerned}; `admin`: a consortium admin only. */
  readers: 'concerned' | 'admin';
}

/**
 * Per `<contract>:<function>`, its confidential fields. Functions listed with none are public
 * throughout; a function not listed at all (a newer chaincode's) is read whole by a consortium admin
 * only, until it is classified here.
 */
export const LEDGER_CONFIDENTIAL_FIELDS: Readonly<Record<string, Confidential>> = {
  'consortium:initialize': { args: [], record: [], readers: 'concerned' },
  'consortium:admitMember': { args: [], record: [], readers: 'concerned' },
  'consortium:updateNode': { args: [], record: [], readers: 'concerned' },
  // An applicant's rejection is between it and the consortium; the applicant is not a member yet.
  'consortium:rejectMember': { args: ['reason'], record: ['reason'], readers: 'admin' },
  'dataset:addDataset': { args: [], record: [], readers: 'concerned' },
  'dataset:updateDataset': { args: [], record: [], readers: 'concerned' },
  'dataset:deleteDataset': { args: [], record: [], readers: 'concerned' },
  'dataset:setStance': { args: [], record: [], readers: 'concerned' },
  'access:requestAccess': {
    args: ['requester', 'requesterOrg', 'purpose', 'columns', 'statistics', 'requestedExpiry', 'privacyMode', 'budgetRho'],
    record: ACCESS_RECORD_FIELDS,
    readers: 'concerned',
  },
  'access:grantAccess': { args: ['operator', 'columns', 'statistics', 'expiresAt', 'reason', 'privacyMode', 'budgetRho'], record: ACCESS_RECORD_FIELDS, readers: 'concerned' },
  'access:denyAccess': { args: ['operator', 'reason'], record: ACCESS_RECORD_FIELDS, readers: 'concerned' },
  'access:revokeAccess': { args: ['operator', 'reason'], record: ACCESS_RECORD_FIELDS, readers: 'concerned' },
  'audit:recordAnalysis': { args: ANALYSIS_FIELDS, record: ANALYSIS_FIELDS, readers: 'concerned' },
  'audit:recordTamperFinding': { args: [], record: [], readers: 'concerned' },
  'budget:reserveBudget': { args: ['requester', 'statistics', 'grants'], record: RESERVATION_FIELDS, readers: 'concerned' },
  'budget:releaseReservation': { args: ['reason'], record: RESERVATION_FIELDS, readers: 'concerned' },
};

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The record a transaction wrote: its response, or else its event's payload. */
function recordOf(tx: LedgerTransaction): Record<string, unknown> | undefined {
  return parseObject(tx.response) ?? asObject(tx.event?.payload);
}

/** The datasets an analysis or budget reservation transaction used, whose owners it concerns (other transactions name their owner). */
export function datasetsConcernedBy(tx: LedgerTransaction): string[] {
  if (!ANALYSIS_FUNCTIONS.includes(`${tx.contract}:${tx.function}`)) return [];
  const grants = recordOf(tx)?.['grants'];
  if (!Array.isArray(grants)) return [];
  return grants.map((g) => asObject(g)?.['datasetId']).filter((id): id is string => typeof id === 'string');
}

/** Whom a transaction concerns; `owners` maps the datasets of {@link datasetsConcernedBy} to their owners. */
export function partiesOf(tx: LedgerTransaction, owners: ReadonlyMap<string, string>): LedgerParties {
  const record = recordOf(tx);
  const requester = typeof record?.['requester'] === 'string' ? record['requester'] : undefined;
  const owner = typeof record?.['ownerMemberId'] === 'string' ? [record['ownerMemberId']] : [];
  const analysed = datasetsConcernedBy(tx).flatMap((id) => {
    const memberId = owners.get(id);
    return memberId === undefined ? [] : [memberId];
  });
  return { requester, ownerMemberIds: [...owner, ...analysed] };
}

/** Deletes a dotted path from `target`; whether it was there. */
function removePath(target: Record<string, unknown>, path: string): boolean {
  const [head, ...rest] = path.split('.');
  if (head === undefined || !(head in target)) return false;
  if (rest.length === 0) {
    Reflect.deleteProperty(target, head);
    return true;
  }
  const inner = asObject(target[head]);
  return inner !== undefined && removePath(inner, rest.join('.'));
}

/** `json` without `fields`, and the paths removed (prefixed); a text that is not a JSON object is withheld whole. */
function redactJson(json: string, fields: readonly string[] | 'all', prefix: string): { json: string; removed: string[] } {
  const object = fields === 'all' ? undefined : parseObject(json);
  if (object === undefined) return json === '' ? { json, removed: [] } : { json: '', removed: [prefix] };
  const removed = (fields as readonly string[]).filter((field) => removePath(object, field)).map((field) => `${prefix}.${field}`);
  return { json: removed.length > 0 ? JSON.stringify(object) : json, removed };
}

/**
 * A transaction as `reader` may see it. Fields it may not read are left out, and `redacted` lists
 * their paths (`args[0].purpose`, `response.grant.reason`, `event.payload.purpose`, or a whole
 * `args[0]`/`response`/`event.payload` of an unclassified function). Everything public stays, so
 * the reader can still place the transaction in its block and check the chain's hashes.
 */
export function transactionAsSeenBy(tx: LedgerTransaction, reader: LedgerReader | undefined, owners: ReadonlyMap<string, string>): LedgerTransaction {
  const rule = LEDGER_CONFIDENTIAL_FIELDS[`${tx.contract}:${tx.function}`];
  if (rule !== undefined && rule.args.length === 0 && rule.record.length === 0) return tx;
  const mayRead = rule === undefined || rule.readers === 'admin' ? isLedgerAdmin(reader) : isConcerned(reader, partiesOf(tx, owners));
  if (mayRead) return tx;

  const redacted: string[] = [];
  const args = tx.args.map((arg, index) => {
    const r = redactJson(arg, rule?.args ?? 'all', `args[${index}]`);
    redacted.push(...r.removed);
    return r.json;
  });
  const response = redactJson(tx.response, rule?.record ?? 'all', 'response');
  redacted.push(...response.removed);
  let event = tx.event;
  if (event !== undefined) {
    const payload = redactJson(JSON.stringify(event.payload), rule?.record ?? 'all', 'event.payload');
    redacted.push(...payload.removed);
    event = { name: event.name, payload: payload.removed.length === 0 ? event.payload : (parseObject(payload.json) ?? null) };
  }
  return { ...tx, args, response: response.json, ...(event !== undefined ? { event } : {}), ...(redacted.length > 0 ? { redacted } : {}) };
}

/**
 * A committed record (what `<contract>:<function>` wrote, as its event carries it) as `reader` may see
 * it: the function's confidential fields left out unless the reader may read them (the rule of
 * {@link transactionAsSeenBy}, for one record whose parties the caller knows). `undefined` when the
 * reader may read nothing of it: an unclassified function, for anyone but a consortium admin.
 */
export function recordAsSeenBy<R extends object>(fn: string, record: R, reader: LedgerReader | undefined, parties: LedgerParties): R | undefined {
  const rule = LEDGER_CONFIDENTIAL_FIELDS[fn];
  if (rule === undefined) return isLedgerAdmin(reader) ? record : undefined;
  if (rule.record.length === 0) return record;
  const mayRead = rule.readers === 'admin' ? isLedgerAdmin(reader) : isConcerned(reader, parties);
  if (mayRead) return record;
  const copy = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
  for (const field of rule.record) removePath(copy, field);
  return copy as R;
}

/** The provenance operations whose description and operator concern a request or an analysis. */
const CONFIDENTIAL_OPERATIONS: readonly LedgerProvenanceOperation[] = ['request', 'grant', 'deny', 'revoke', 'analysis', 'budget'];

/** The fields of a provenance entry of {@link CONFIDENTIAL_OPERATIONS} (purpose, reasons, who asked or decided). */
export const PROVENANCE_CONFIDENTIAL_FIELDS = ['description', 'operator'] as const;

/** One provenance entry, as far as the rule needs it. */
export interface ProvenanceEntryLike {
  operation: LedgerProvenanceOperation;
  description?: string;
  operator?: string;
  referenceId?: string;
  redacted?: (typeof PROVENANCE_CONFIDENTIAL_FIELDS)[number][];
}

/**
 * A dataset's provenance as `reader` may see it: entries of requests, decisions and analyses lose
 * their description and operator (listed in `redacted`) unless the reader is concerned. The requester
 * of a request is its entry's operator, and a decision's is that of the request it refers to; the
 * owner is the dataset's.
 */
export function provenanceAsSeenBy<E extends ProvenanceEntryLike>(entries: readonly E[], reader: LedgerReader | undefined, ownerMemberId: string): E[] {
  const requesters = new Map<string, string>();
  for (const e of entries) if (e.operation === 'request' && e.referenceId !== undefined && e.operator !== undefined) requesters.set(e.referenceId, e.operator);
  return entries.map((entry) => {
    if (!CONFIDENTIAL_OPERATIONS.includes(entry.operation)) return entry;
    const requester = entry.operation === 'request' || entry.operation === 'analysis' || entry.operation === 'budget' ? entry.operator : requesters.get(entry.referenceId ?? '');
    if (isConcerned(reader, { requester, ownerMemberIds: [ownerMemberId] })) return entry;
    const { description: _description, operator: _operator, ...rest } = entry;
    return { ...rest, redacted: [...PROVENANCE_CONFIDENTIAL_FIELDS] } as E;
  });
}
