// libs/contracts may not depend on the chaincode package, so it mirrors the chaincode's records,
// codes, vocabulary and limits. These checks fail when the two drift apart.
import {
  ENDPOINT_URL_PATTERN,
  isSafeText as contractsSafeText,
  LEDGER_ID_PATTERN,
  LEDGER_STATISTICS,
  LEDGER_MODEL_KINDS,
  LEDGER_SUMMARY_STATISTICS,
  LEDGER_DP_QUANTITIES,
  LEDGER_PRIVACY_MODES,
  grantCoversVersion as siteCoversVersion,
  LedgerChaincodeErrorCode,
  LedgerLimits,
  PUBLIC_KEY_PEM_PATTERN,
  type LedgerAccessCheck,
  type LedgerAccessRequestRecord,
  type LedgerAnalysisRecord,
  type LedgerBudgetReservationRecord,
  type LedgerBudgetView,
  LEDGER_CONFIDENTIAL_FIELDS,
  type LedgerConsortiumRecord,
  type LedgerDatasetRecord,
  type LedgerGetDatasetHistory,
  type LedgerMemberRecord,
  type LedgerTamperFindingRecord,
} from '@phdmf/contracts';
import {
  ChaincodeErrorCode,
  ID_PATTERN,
  isSafeText as chaincodeSafeText,
  Limits,
  PEM_PATTERN,
  STATISTICS,
  MODEL_KINDS,
  DP_QUANTITIES,
  PRIVACY_MODES,
  contracts,
  URL_PATTERN,
  grantCoversVersion,
  type AccessCheck,
  type AccessRequestRecord,
  type AnalysisRecord,
  type BudgetReservationRecord,
  type BudgetView,
  type ConsortiumRecord,
  type DatasetHistoryEntry,
  type DatasetRecord,
  type MemberRecord,
  type TamperFindingRecord,
} from './phdmf-chaincode';

/** True when A and B are assignable to each other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Compile-time: a drift makes one of these `false` and the assignment a type error.
const recordsMatch: [
  Same<ConsortiumRecord, LedgerConsortiumRecord>,
  Same<MemberRecord, LedgerMemberRecord>,
  Same<DatasetRecord, LedgerDatasetRecord>,
  Same<AccessRequestRecord, LedgerAccessRequestRecord>,
  Same<AccessCheck, LedgerAccessCheck>,
  Same<AnalysisRecord, LedgerAnalysisRecord>,
  Same<TamperFindingRecord, LedgerTamperFindingRecord>,
  Same<BudgetReservationRecord, LedgerBudgetReservationRecord>,
  Same<BudgetView, LedgerBudgetView>,
  Same<Omit<DatasetHistoryEntry, never>, Omit<LedgerGetDatasetHistory.Entry, 'blockNumber'>>,
] = [true, true, true, true, true, true, true, true, true, true];

describe('contracts mirror the chaincode', () => {
  it('has the same record shapes (checked by the compiler)', () => {
    expect(recordsMatch.every(Boolean)).toBe(true);
  });

  it('passes every chaincode error code through, except INPUT.INVALID (answered as LEDGER.INVALID_INPUT)', () => {
    const { InputInvalid, ...passedThrough } = ChaincodeErrorCode;
    expect(InputInvalid).toBe('INPUT.INVALID');
    expect(LedgerChaincodeErrorCode).toEqual(passedThrough);
  });

  it('decides alike whether a grant covers a dataset version (the chaincode and the storage sites)', () => {
    const grant = { columns: [], statistics: [], expiresAt: '2031-01-01T00:00:00Z', operator: 'op', grantedAt: '2030-01-01T00:00:00Z', txId: 'tx' };
    const cases = [
      { datasetVersion: 1 },
      { datasetVersion: 1, grant },
      { datasetVersion: 1, grant: { ...grant, datasetVersion: 2 } },
      { datasetVersion: 1, grant: { ...grant, datasetVersion: 2, followsUpdates: false } },
      { datasetVersion: 1, grant: { ...grant, datasetVersion: 1, followsUpdates: true } },
    ];
    for (const request of cases) {
      for (const version of [1, 2, 3]) expect([request, version, siteCoversVersion(request, version)]).toEqual([request, version, grantCoversVersion(request, version)]);
    }
    expect(cases.map((r) => grantCoversVersion(r, 2))).toEqual([false, false, true, true, true]);
  });

  it('validates with the same vocabulary, identifier pattern and limits', () => {
    expect([...LEDGER_STATISTICS]).toEqual([...STATISTICS]);
    expect([...LEDGER_MODEL_KINDS]).toEqual([...MODEL_KINDS]);
    expect([...LEDGER_SUMMARY_STATISTICS, ...LEDGER_MODEL_KINDS]).toEqual([...STATISTICS]);
    expect([...LEDGER_PRIVACY_MODES]).toEqual([...PRIVACY_MODES]);
    expect([...LEDGER_DP_QUANTITIES]).toEqual([...DP_QUANTITIES]);
    expect(LEDGER_ID_PATTERN.source).toBe(ID_PATTERN.source);
    expect(LedgerLimits).toEqual(Limits);
  });

  it('applies the same text rule: every UTF-16 code unit alone, after a letter, in surrogate pairs, single and multiline', () => {
    const samples: string[] = [''];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      samples.push(ch, `a${ch}`, `${ch}b`);
    }
    samples.push('\ud83d\ude00', 'x\ud83d\ude00y', '\ude00\ud83d', '\ud83d\ud83d\ude00', 'a\ud800', '\udfff');
    const differ = samples.filter((s) => [false, true].some((multiline) => contractsSafeText(s, multiline) !== chaincodeSafeText(s, multiline)));
    expect(differ).toEqual([]);
    // The rule itself, on the cases that matter.
    expect(['a\u0000b', 'a\u007fb', 'a\u001fb', '\ud800@x.org', 'a\udc00'].map((s) => chaincodeSafeText(s))).toEqual([false, false, false, false, false]);
    expect(['line\nbreak', 'tab\t'].map((s) => [chaincodeSafeText(s), chaincodeSafeText(s, true)])).toEqual([[false, true], [false, true]]);
    expect(chaincodeSafeText('Zürich \ud83d\ude00 日本')).toBe(true);
  });

  it('checks URLs and public keys with the same patterns', () => {
    expect(ENDPOINT_URL_PATTERN.source).toBe(URL_PATTERN.source);
    expect(PUBLIC_KEY_PEM_PATTERN.source).toBe(PEM_PATTERN.source);
  });

  it('classifies every write transaction of the chaincode in the visibility rule (an unclassified one is admin-only)', () => {
    const writes = contracts.flatMap((C) => {
      const contract = new C();
      const prototype = Object.getPrototypeOf(contract) as Record<string, unknown>;
      return Object.getOwnPropertyNames(prototype)
        .filter((name) => name !== 'constructor' && typeof prototype[name] === 'function')
        .map((name) => `${contract.getName()}:${name}`);
    });
    const reads = /^[a-z]+:(get|list|check)[A-Z]/;
    expect(writes.filter((fn) => !reads.test(fn)).sort()).toEqual(Object.keys(LEDGER_CONFIDENTIAL_FIELDS).sort());
  });
});
