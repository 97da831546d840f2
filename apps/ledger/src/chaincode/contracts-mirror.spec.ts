// libs/contracts may not depend on the chaincode package, so it mirrors the chaincode's records,
// codes, vocabulary and limits. These checks fail when the two drift apart.
import {
  LEDGER_ID_PATTERN,
  LEDGER_STATISTICS,
  LedgerChaincodeErrorCode,
  LedgerLimits,
  type LedgerAccessCheck,
  type LedgerAccessRequestRecord,
  type LedgerAnalysisRecord,
  type LedgerConsortiumRecord,
  type LedgerDatasetRecord,
  type LedgerGetDatasetHistory,
  type LedgerMemberRecord,
  type LedgerTamperFindingRecord,
} from '@phdmf/contracts';
import {
  ChaincodeErrorCode,
  ID_PATTERN,
  Limits,
  STATISTICS,
  type AccessCheck,
  type AccessRequestRecord,
  type AnalysisRecord,
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
  Same<Omit<DatasetHistoryEntry, never>, Omit<LedgerGetDatasetHistory.Entry, 'blockNumber'>>,
] = [true, true, true, true, true, true, true, true];

describe('contracts mirror the chaincode', () => {
  it('has the same record shapes (checked by the compiler)', () => {
    expect(recordsMatch.every(Boolean)).toBe(true);
  });

  it('passes every chaincode error code through, except INPUT.INVALID (answered as LEDGER.INVALID_INPUT)', () => {
    const { InputInvalid, ...passedThrough } = ChaincodeErrorCode;
    expect(InputInvalid).toBe('INPUT.INVALID');
    expect(LedgerChaincodeErrorCode).toEqual(passedThrough);
  });

  it('validates with the same vocabulary, identifier pattern and limits', () => {
    expect([...LEDGER_STATISTICS]).toEqual([...STATISTICS]);
    expect(LEDGER_ID_PATTERN.source).toBe(ID_PATTERN.source);
    expect(LedgerLimits).toEqual(Limits);
  });
});
