import './support/quiet';
import { ChaincodeErrorCode, ChaincodeEvent, type AccessRequestRecord, type AnalysisRecord, type BudgetReservationRecord, type BudgetView, type ProvenanceEntry } from '../src';
import { analysis, GOVERNOR_MSP, HOSPITAL_A, rejection, withGrant, withRequest, type World } from './support/builders';

const A = { msp: HOSPITAL_A.mspId };
const GOV = { msp: GOVERNOR_MSP };

/** A reservation of ρ 0.25 (count 0.05 + sum 0.2 of sbp) on req-1 for analysis `analysisId`. */
function reservation(analysisId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    analysisId,
    requester: 'researcher-9c21',
    statistics: ['mean'],
    grants: [
      {
        requestId: 'req-1',
        datasetId: 'ds-1',
        quantities: [
          { column: 'sbp', quantity: 'count', rho: 0.05 },
          { column: 'sbp', quantity: 'sum', rho: 0.2 },
        ],
      },
    ],
    ...overrides,
  };
}

/** req-1 granted in dp mode with a budget for exactly four reservations of ρ 0.25. */
const withDpGrant = (): Promise<World> => withGrant(undefined, { privacyMode: 'dp', budgetRho: 1, statistics: ['count', 'mean'] });

describe('budget contract', () => {
  describe('grants carry their privacy mode', () => {
    it("records the owner's dp choice and budget on the grant; a controlled grant has no budget", async () => {
      const w = await withDpGrant();
      const granted = (await w.ledger.evaluate(w.access, 'getRequest', { requestId: 'req-1' }, GOV)) as AccessRequestRecord;
      expect(granted.grant).toMatchObject({ privacyMode: 'dp', budgetRho: 1 });
      const plain = await withGrant();
      expect(((await plain.ledger.evaluate(plain.access, 'getRequest', { requestId: 'req-1' }, GOV)) as AccessRequestRecord).grant).toMatchObject({ privacyMode: 'controlled' });
      expect(await rejection(plain.ledger.evaluate(plain.budget, 'getBudget', { requestId: 'req-1' }, GOV))).toMatchObject({ code: ChaincodeErrorCode.BudgetNotDp });
    });

    it("takes the researcher's proposal where the owner leaves the mode out, and the owner's choice over it", async () => {
      const proposed = await withRequest(undefined, { privacyMode: 'dp', budgetRho: 0.5 });
      await proposed.ledger.submit(proposed.access, 'grantAccess', { requestId: 'req-1', operator: 'reviewer-11' }, A);
      expect(((await proposed.ledger.evaluate(proposed.budget, 'getBudget', { requestId: 'req-1' }, GOV)) as BudgetView).budgetRho).toBe(0.5);

      const overruled = await withRequest(undefined, { privacyMode: 'dp', budgetRho: 0.5 });
      await overruled.ledger.submit(overruled.access, 'grantAccess', { requestId: 'req-1', operator: 'reviewer-11', privacyMode: 'controlled' }, A);
      expect(((await overruled.ledger.evaluate(overruled.access, 'getRequest', { requestId: 'req-1' }, GOV)) as AccessRequestRecord).grant?.budgetRho).toBeUndefined();
    });

    it.each([
      [{ privacyMode: 'dp' }, ChaincodeErrorCode.BudgetInvalid],
      [{ privacyMode: 'dp', budgetRho: 10.5 }, ChaincodeErrorCode.BudgetInvalid],
      [{ privacyMode: 'controlled', budgetRho: 1 }, ChaincodeErrorCode.BudgetInvalid],
      [{ privacyMode: 'dp', budgetRho: 0 }, ChaincodeErrorCode.InputInvalid],
      [{ privacyMode: 'secret' }, ChaincodeErrorCode.InputInvalid],
    ])('refuses the grant %j', async (choice, code) => {
      const w = await withRequest();
      expect(await rejection(w.ledger.submit(w.access, 'grantAccess', { requestId: 'req-1', operator: 'reviewer-11', ...choice }, A))).toMatchObject({ code });
    });
  });

  describe('reserveBudget', () => {
    it('charges each reservation to the budget, refuses the one that would exceed it with nothing written, and lists the spends', async () => {
      const w = await withDpGrant();
      const reserved: BudgetReservationRecord[] = [];
      for (const id of ['an-1', 'an-2', 'an-3', 'an-4']) reserved.push((await w.ledger.submit(w.budget, 'reserveBudget', reservation(id), GOV)) as BudgetReservationRecord);
      expect(reserved[0]).toMatchObject({ analysisId: 'an-1', status: 'reserved', grants: [{ requestId: 'req-1', datasetVersion: 1, rho: 0.25 }] });
      expect(w.ledger.lastEvents().map((e) => e.name)).toEqual([ChaincodeEvent.BudgetReserved]);

      const writesBefore = w.ledger.transactions.length;
      expect(await rejection(w.ledger.submit(w.budget, 'reserveBudget', reservation('an-5'), GOV))).toMatchObject({ code: ChaincodeErrorCode.BudgetExhausted });
      expect(w.ledger.transactions.length).toBe(writesBefore);
      expect(await rejection(w.ledger.evaluate(w.budget, 'getReservation', { analysisId: 'an-5' }, GOV))).toMatchObject({ code: ChaincodeErrorCode.BudgetReservationNotFound });

      const view = (await w.ledger.evaluate(w.budget, 'getBudget', { requestId: 'req-1' }, GOV)) as BudgetView;
      expect(view).toMatchObject({ budgetRho: 1, leftRho: 0, requester: 'researcher-9c21' });
      expect(view.spentRho).toBeCloseTo(1, 12);
      expect(view.spends.map((s) => [s.analysisId, s.rho, s.txId])).toEqual(reserved.map((r) => [r.analysisId, 0.25, r.txId]));
      // Each spend is in the dataset's provenance, with its transaction.
      const provenance = (await w.ledger.evaluate(w.dataset, 'getProvenance', { datasetId: 'ds-1' }, GOV)) as ProvenanceEntry[];
      expect(provenance.filter((e) => e.operation === 'budget').map((e) => [e.referenceId, e.txId])).toEqual(reserved.map((r) => [r.analysisId, r.txId]));
    });

    it('refuses a controlled grant, a grant out of scope and a repeated analysis id', async () => {
      const plain = await withGrant();
      expect(await rejection(plain.ledger.submit(plain.budget, 'reserveBudget', reservation('an-1'), GOV))).toMatchObject({ code: ChaincodeErrorCode.BudgetNotDp });
      const w = await withDpGrant();
      const age = reservation('an-1', { grants: [{ requestId: 'req-1', datasetId: 'ds-1', quantities: [{ column: 'bmi', quantity: 'count', rho: 0.1 }] }] });
      expect(await rejection(w.ledger.submit(w.budget, 'reserveBudget', age, GOV))).toMatchObject({ code: ChaincodeErrorCode.AccessOutOfScope });
      await w.ledger.submit(w.budget, 'reserveBudget', reservation('an-1'), GOV);
      expect(await rejection(w.ledger.submit(w.budget, 'reserveBudget', reservation('an-1'), GOV))).toMatchObject({ code: ChaincodeErrorCode.BudgetReservationAlreadyExists });
      expect(await rejection(w.ledger.submit(w.budget, 'reserveBudget', reservation('an-2'), A))).toMatchObject({ code: ChaincodeErrorCode.ConsortiumNotGovernor });
    });
  });

  describe('releaseReservation and recordAnalysis', () => {
    it('refunds a released reservation, which no analysis can then use or release again', async () => {
      const w = await withDpGrant();
      for (const id of ['an-1', 'an-2', 'an-3', 'an-4']) await w.ledger.submit(w.budget, 'reserveBudget', reservation(id), GOV);
      const released = (await w.ledger.submit(w.budget, 'releaseReservation', { analysisId: 'an-4', reason: 'no site was asked' }, GOV)) as BudgetReservationRecord;
      expect(released).toMatchObject({ status: 'released', release: { reason: 'no site was asked' } });
      const view = (await w.ledger.evaluate(w.budget, 'getBudget', { requestId: 'req-1' }, GOV)) as BudgetView;
      expect(view.spends.map((s) => s.analysisId)).toEqual(['an-1', 'an-2', 'an-3']);
      expect(view.leftRho).toBeCloseTo(0.25, 12);
      expect(await rejection(w.ledger.submit(w.budget, 'releaseReservation', { analysisId: 'an-4', reason: 'again' }, GOV))).toMatchObject({ code: ChaincodeErrorCode.BudgetReservationClosed });
      expect(await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis({ analysisId: 'an-4', reservationTxId: released.txId }), GOV))).toMatchObject({
        code: ChaincodeErrorCode.BudgetReservationClosed,
      });
      await w.ledger.submit(w.budget, 'reserveBudget', reservation('an-5'), GOV);
    });

    it('records a dp analysis only with its reservation, which is then used and no longer releasable', async () => {
      const w = await withDpGrant();
      const reserved = (await w.ledger.submit(w.budget, 'reserveBudget', reservation('an-1'), GOV)) as BudgetReservationRecord;
      expect(await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis(), GOV))).toMatchObject({ code: ChaincodeErrorCode.BudgetReservationMismatch });
      expect(await rejection(w.ledger.submit(w.audit, 'recordAnalysis', analysis({ reservationTxId: 'other-tx' }), GOV))).toMatchObject({
        code: ChaincodeErrorCode.BudgetReservationMismatch,
      });
      const recorded = (await w.ledger.submit(w.audit, 'recordAnalysis', analysis({ reservationTxId: reserved.txId }), GOV)) as AnalysisRecord;
      expect(recorded.reservationTxId).toBe(reserved.txId);
      expect(await w.ledger.evaluate(w.budget, 'getReservation', { analysisId: 'an-1' }, GOV)).toMatchObject({ status: 'used' });
      expect(await rejection(w.ledger.submit(w.budget, 'releaseReservation', { analysisId: 'an-1', reason: 'late' }, GOV))).toMatchObject({ code: ChaincodeErrorCode.BudgetReservationClosed });
    });
  });
});
