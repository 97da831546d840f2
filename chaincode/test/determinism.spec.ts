// Endorsing peers must compute identical read-write sets and events. The same transactions with the
// same timestamps and ids must therefore produce byte-identical state, events and results, whatever
// the order of the fields in the request JSON.
import './support/quiet';
import { ChaincodeEvent, marshal } from '../src';
import {
  accessRequest,
  analysis,
  datasetVersion,
  GOVERNOR_MSP,
  grantDecision,
  HOSPITAL_A,
  HOSPITAL_B,
  newWorld,
  publicKeyPem,
  tamperFinding,
  withMembers,
  type World,
} from './support/builders';
import { formerMarshal } from './support/former-canonical-json';

function reversed(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).reverse());
}

/** Every write transaction of the chaincode, once; returns the raw results. */
async function scenario(w: World, shuffle: boolean): Promise<string[]> {
  const order = (v: Record<string, unknown>): Record<string, unknown> => (shuffle ? reversed(v) : v);
  const A = { msp: HOSPITAL_A.mspId };
  const GOV = { msp: GOVERNOR_MSP };
  await withMembers(w);
  const results: string[] = [];
  results.push(await w.ledger.submitRaw(w.consortium, 'updateNode', order({ memberId: HOSPITAL_B.memberId, nodeId: 'node-b2', nodePublicKey: publicKeyPem(), endpoint: 'https://b2.example' }), { msp: HOSPITAL_B.mspId }));
  results.push(await w.ledger.submitRaw(w.consortium, 'rejectMember', order({ memberId: 'c', name: 'C', mspId: 'CMSP', reason: 'no' }), GOV));
  results.push(await w.ledger.submitRaw(w.dataset, 'addDataset', order(datasetVersion()), A));
  results.push(await w.ledger.submitRaw(w.dataset, 'updateDataset', order(datasetVersion({ version: 2 })), A));
  results.push(await w.ledger.submitRaw(w.dataset, 'setStance', order({ datasetId: 'ds-1', stance: 'closed', operator: 'admin' }), A));
  results.push(await w.ledger.submitRaw(w.dataset, 'setStance', order({ datasetId: 'ds-1', stance: 'open', operator: 'admin' }), A));
  results.push(await w.ledger.submitRaw(w.access, 'requestAccess', order(accessRequest()), GOV));
  results.push(await w.ledger.submitRaw(w.access, 'grantAccess', order(grantDecision({ columns: ['sbp', 'age'] })), A));
  results.push(await w.ledger.submitRaw(w.audit, 'recordAnalysis', order(analysis()), GOV));
  results.push(await w.ledger.submitRaw(w.access, 'requestAccess', order(accessRequest({ requestId: 'req-3', privacyMode: 'dp', budgetRho: 1 })), GOV));
  results.push(await w.ledger.submitRaw(w.access, 'grantAccess', order(grantDecision({ requestId: 'req-3' })), A));
  const quantities = [order({ column: 'sbp', quantity: 'count', rho: 0.1 }), order({ column: 'sbp', quantity: 'sum', rho: 0.2 })];
  const reserve = (analysisId: string): Record<string, unknown> =>
    order({ analysisId, requester: 'researcher-9c21', statistics: ['mean'], grants: [order({ requestId: 'req-3', datasetId: 'ds-1', quantities })] });
  results.push(await w.ledger.submitRaw(w.budget, 'reserveBudget', reserve('an-dp-1'), GOV));
  results.push(await w.ledger.submitRaw(w.budget, 'reserveBudget', reserve('an-dp-2'), GOV));
  results.push(await w.ledger.submitRaw(w.budget, 'releaseReservation', order({ analysisId: 'an-dp-2', reason: 'no site asked' }), GOV));
  results.push(await w.ledger.submitRaw(w.access, 'requestAccess', order(accessRequest({ requestId: 'req-2' })), GOV));
  results.push(await w.ledger.submitRaw(w.access, 'denyAccess', order({ requestId: 'req-2', operator: 'r', reason: 'no' }), A));
  results.push(await w.ledger.submitRaw(w.access, 'revokeAccess', order({ requestId: 'req-1', operator: 'r', reason: 'done' }), A));
  results.push(await w.ledger.submitRaw(w.audit, 'recordTamperFinding', order(tamperFinding()), A));
  results.push(await w.ledger.submitRaw(w.dataset, 'deleteDataset', order({ datasetId: 'ds-1', version: 3, operator: 'staff', description: 'bye' }), A));
  return results;
}

describe('determinism', () => {
  it('same transactions and timestamps give byte-identical state, events and results', async () => {
    const first = newWorld();
    const second = newWorld();
    const r1 = await scenario(first, false);
    const r2 = await scenario(second, true);

    expect(r2).toEqual(r1);
    expect(second.ledger.dump()).toEqual(first.ledger.dump());
    expect(second.ledger.transactions).toEqual(first.ledger.transactions);
  });

  it('stores and emits canonical (sorted-key) JSON', async () => {
    const w = newWorld();
    await scenario(w, true);
    for (const [, value] of w.ledger.dump()) expect(marshal(JSON.parse(value))).toBe(value);
    for (const tx of w.ledger.transactions) for (const e of tx.events) expect(marshal(JSON.parse(e.payload))).toBe(e.payload);
  });

  it('writes every state value, event and result as the former marshal did (no stored byte changes)', async () => {
    // The former marshal ordered array-index keys ("0", "42") first; the chaincode's records are keyed
    // by field names only, so the one canonical JSON writes the bytes already on the ledgers.
    const w = newWorld();
    const results = await scenario(w, true);
    for (const [, value] of w.ledger.dump()) expect(formerMarshal(JSON.parse(value))).toBe(value);
    for (const tx of w.ledger.transactions) for (const e of tx.events) expect(formerMarshal(JSON.parse(e.payload))).toBe(e.payload);
    for (const result of results) expect(formerMarshal(JSON.parse(result))).toBe(result);
  });

  it('every write emits exactly one event, named from ChaincodeEvent, whose payload is the result', async () => {
    const w = newWorld();
    const results = await scenario(w, false);
    const names = Object.values(ChaincodeEvent) as string[];
    for (const tx of w.ledger.transactions) {
      expect(tx.events).toHaveLength(1);
      expect(names).toContain(tx.events[0]?.name);
    }
    const scenarioTxs = w.ledger.transactions.slice(-results.length);
    expect(scenarioTxs.map((t) => t.events[0]?.payload)).toEqual(results);
    expect(new Set(w.ledger.transactions.map((t) => t.events[0]?.name))).toEqual(new Set(names));
  });
});
