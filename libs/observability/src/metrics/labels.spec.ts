import { CommonErrorCode, LedgerRecordTamperFinding, PhdmfError, StorageSummarize, ledgerNodeContract } from '@phdmf/contracts';
import { outcomeOf, subjectLabel } from './labels';

describe('metric labels', () => {
  it('fold the node id out of per-node subjects, so one message is one series however many sites join', () => {
    const north = subjectLabel(StorageSummarize.contractFor('site-north').subject);
    expect(north).toBe(subjectLabel(StorageSummarize.contractFor('site-aldric').subject));
    expect(north).not.toContain('site-north');
    const bound = subjectLabel(ledgerNodeContract(LedgerRecordTamperFinding.CONTRACT, 'site-north').subject);
    expect(bound).not.toContain('site-north');
    expect(bound).toBe(subjectLabel(ledgerNodeContract(LedgerRecordTamperFinding.CONTRACT, 'site-aldric').subject));
    // Central subjects stay as declared.
    expect(subjectLabel(LedgerRecordTamperFinding.SUBJECT)).toBe(LedgerRecordTamperFinding.SUBJECT);
  });

  it('name an outcome by its stable code, never by an error message', () => {
    expect(outcomeOf(undefined)).toBe('ok');
    expect(outcomeOf(new PhdmfError(CommonErrorCode.TIMEOUT, 'No reply on x within 5 ms'))).toBe(CommonErrorCode.TIMEOUT);
    expect(outcomeOf(new Error('user alice@example.org not found'))).toBe(CommonErrorCode.INTERNAL);
    expect(outcomeOf({ code: 'ENOENT' })).toBe(CommonErrorCode.INTERNAL);
  });
});
