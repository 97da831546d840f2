/// <reference types="jest" />
// The behaviour every ledger adapter must share, as one Jest suite: the embedded adapter runs it in
// embedded-ledger.adapter.spec.ts, and the Fabric adapter will run the same function against a
// Fabric network. It drives the real PHDMF chaincode through the port only. It never assumes a
// fresh ledger: the consortium and members are set up idempotently and every dataset and request
// id is unique, so it can run against a long-lived network.
import { createHash } from 'node:crypto';
import { ContractName } from '../../chaincode/phdmf-chaincode';
import {
  LedgerChaincodeErrorCode,
  LedgerErrorCode,
  PhdmfError,
  type LedgerAccessRequestRecord,
  type LedgerBudgetView,
  type LedgerDatasetRecord,
  type LedgerMemberRecord,
} from '@phdmf/contracts';
import { createLogger } from '@phdmf/logging';
import { ensureConsortium } from '../../identity/consortium-bootstrap';
import type { LedgerChaincodeEvent, LedgerPort, SigningIdentity, SubmitResult } from '../ledger-port';
import { accessRequest, admission, datasetVersion, publicKeyPem, uniqueId, type DatasetVersionRequest } from './builders';

/** A member organisation the suite acts as. */
export interface ConformanceMember {
  /** The member id used when the suite has to admit the organisation itself. */
  memberId: string;
  identity: SigningIdentity;
}

/** What an adapter's test provides to the suite. */
export interface LedgerPortConformanceTarget {
  /** Shown in the suite's name. */
  name: string;
  /**
   * Opens a port on the ledger under test with the given MVCC retry policy (1 = no retry). The
   * embedded adapter opens a fresh ledger each time; a Fabric target may connect to one network.
   */
  open(options: { maxSubmitAttempts: number; contendedSubmitAttempts?: number }): Promise<LedgerPort>;
  /** The governing MSP's identity and two member organisations, each with its own MSP. */
  governor: SigningIdentity;
  memberA: ConformanceMember;
  memberB: ConformanceMember;
}

const silent = createLogger({ service: 'ledger', level: 'silent' });

/** Runs the ledger port conformance suite against `target`. */
export function describeLedgerPortConformance(target: LedgerPortConformanceTarget): void {
  describe(`ledger port conformance: ${target.name}`, () => {
    const { governor } = target;
    const a = target.memberA.identity;
    const b = target.memberB.identity;
    let ledger: LedgerPort;
    let memberIdA: string;

    beforeAll(async () => {
      ledger = await target.open({ maxSubmitAttempts: 3, contendedSubmitAttempts: 100 });
      ({ memberIdA } = await setUpConsortium(ledger, target));
    });

    afterAll(async () => {
      await ledger.close();
    });

    const submit = (identity: SigningIdentity, contract: string, fn: string, request: object): Promise<SubmitResult> =>
      ledger.submit(identity, contract, fn, [JSON.stringify(request)]);
    const evaluate = async <R>(contract: string, fn: string, request: object): Promise<R> =>
      JSON.parse(await ledger.evaluate(governor, contract, fn, [JSON.stringify(request)])) as R;
    const addDataset = (overrides: Partial<DatasetVersionRequest> = {}): Promise<SubmitResult> =>
      submit(a, ContractName.Dataset, 'addDataset', datasetVersion(overrides));

    describe('submit and evaluate', () => {
      it('answers a submit after commit with the transaction id, its block and the chaincode result', async () => {
        const heightBefore = (await ledger.chainInfo()).height;
        const request = datasetVersion();
        const committed = await submit(a, ContractName.Dataset, 'addDataset', request);

        expect(committed.txId).toMatch(/^[0-9a-zA-Z._-]+$/);
        expect(committed.blockNumber).toBeGreaterThanOrEqual(heightBefore);
        const record = JSON.parse(committed.result) as LedgerDatasetRecord;
        expect(record).toMatchObject({ datasetId: request.datasetId, version: 1, sha256: request.sha256, ownerMspId: a.mspId, ownerMemberId: memberIdA, txId: committed.txId });
        expect((await ledger.chainInfo()).height).toBeGreaterThan(committed.blockNumber);
        await expect(evaluate(ContractName.Dataset, 'getDataset', { datasetId: request.datasetId })).resolves.toEqual(record);
      });

      it('evaluates against committed state and never commits what it evaluates', async () => {
        const request = datasetVersion();
        const heightBefore = (await ledger.chainInfo()).height;
        const simulated = JSON.parse(await ledger.evaluate(a, ContractName.Dataset, 'addDataset', [JSON.stringify(request)])) as LedgerDatasetRecord;
        expect(simulated.datasetId).toBe(request.datasetId);
        await expect(evaluate(ContractName.Dataset, 'getDataset', { datasetId: request.datasetId })).rejects.toMatchObject({ code: LedgerChaincodeErrorCode.DatasetNotFound });
        expect((await ledger.chainInfo()).height).toBe(heightBefore);
      });
    });

    describe('errors', () => {
      it("answers with the chaincode's own code, unchanged", async () => {
        const missing = await ledger.evaluate(governor, ContractName.Dataset, 'getDataset', [JSON.stringify({ datasetId: uniqueId('nope') })]).catch((e: unknown) => e);
        expect(missing).toBeInstanceOf(PhdmfError);
        expect(missing).toMatchObject({ code: LedgerChaincodeErrorCode.DatasetNotFound });

        const request = datasetVersion();
        await submit(a, ContractName.Dataset, 'addDataset', request);
        await expect(submit(a, ContractName.Dataset, 'addDataset', request)).rejects.toMatchObject({ code: LedgerChaincodeErrorCode.DatasetAlreadyExists });
      });

      it('answers input the chaincode refuses as LEDGER.INVALID_INPUT, naming the field', async () => {
        const bad = await submit(a, ContractName.Dataset, 'addDataset', datasetVersion({ sha256: 'not-a-hash' })).catch((e: unknown) => e);
        expect(bad).toMatchObject({ code: LedgerErrorCode.INVALID_INPUT });
        expect((bad as PhdmfError).message).toContain('"sha256"');
        const notJson = await ledger.submit(a, ContractName.Dataset, 'addDataset', ['{not json']).catch((e: unknown) => e);
        expect(notJson).toMatchObject({ code: LedgerErrorCode.INVALID_INPUT });
      });
    });

    describe('writes are bound to the signing organisation', () => {
      it("refuses changes to a dataset and decisions on its requests from any MSP but the owner's", async () => {
        const { datasetId } = datasetVersion();
        await addDataset({ datasetId });

        await expect(submit(b, ContractName.Dataset, 'updateDataset', datasetVersion({ datasetId, version: 2 }))).rejects.toMatchObject({
          code: LedgerChaincodeErrorCode.DatasetNotOwner,
        });

        const request = accessRequest(datasetId);
        await submit(governor, ContractName.Access, 'requestAccess', request);
        await expect(submit(b, ContractName.Access, 'grantAccess', { requestId: request.requestId, operator: 'reviewer-b' })).rejects.toMatchObject({
          code: LedgerChaincodeErrorCode.AccessNotOwner,
        });

        const granted = await submit(a, ContractName.Access, 'grantAccess', { requestId: request.requestId, operator: 'reviewer-a' });
        expect(JSON.parse(granted.result)).toMatchObject({ status: 'granted', grant: { operator: 'reviewer-a', txId: granted.txId } });
        const check = await evaluate<{ inForce: boolean; grant?: LedgerAccessRequestRecord }>(ContractName.Access, 'checkAccess', {
          datasetId,
          requester: request.requester,
          columns: ['age'],
          statistics: ['mean'],
        });
        expect(check).toMatchObject({ inForce: true, grant: { requestId: request.requestId } });
      });

      it("refuses a node id another member registered, so no member can take over another's site subjects (MEMBER.NODE_ID_TAKEN)", async () => {
        const victim = await evaluate<LedgerMemberRecord>(ContractName.Consortium, 'getMember', { memberId: memberIdA });
        const claimant = await evaluate<LedgerMemberRecord>(ContractName.Consortium, 'getMemberByMsp', { mspId: b.mspId });
        const nodeId = victim.nodeId ?? '';
        const claim = { memberId: claimant.memberId, nodeId, nodePublicKey: claimant.nodePublicKey ?? publicKeyPem(), endpoint: claimant.endpoint ?? 'https://b.example.org:8443' };
        await expect(submit(b, ContractName.Consortium, 'updateNode', claim)).rejects.toMatchObject({ code: LedgerChaincodeErrorCode.MemberNodeIdTaken });
        await expect(submit(governor, ContractName.Consortium, 'admitMember', admission(uniqueId('m'), uniqueId('Msp'), { nodeId }))).rejects.toMatchObject({
          code: LedgerChaincodeErrorCode.MemberNodeIdTaken,
        });
        const after = await evaluate<LedgerMemberRecord>(ContractName.Consortium, 'getMember', { memberId: memberIdA });
        expect(after).toEqual(victim);
        expect((await evaluate<LedgerMemberRecord>(ContractName.Consortium, 'getMemberByMsp', { mspId: b.mspId })).nodeId).toBe(claimant.nodeId);
      });

      it('reserves membership to the governing MSP and dataset releases to members', async () => {
        await expect(submit(b, ContractName.Consortium, 'admitMember', admission(uniqueId('m'), uniqueId('Msp')))).rejects.toMatchObject({
          code: LedgerChaincodeErrorCode.ConsortiumNotGovernor,
        });
        await expect(submit(governor, ContractName.Dataset, 'addDataset', datasetVersion())).rejects.toMatchObject({
          code: expect.stringMatching(/^MEMBER\.(NOT_FOUND|NOT_ACTIVE)$/) as unknown,
        });
      });
    });

    describe('keyed commits (a retry recognised by the chaincode)', () => {
      it('commits one of five submissions with one commit key; the others are refused COMMIT.KEY_USED without writing; the commit is read back', async () => {
        const commitKey = createHash('sha256').update(uniqueId('key')).digest('hex');
        const versions = Array.from({ length: 5 }, () => datasetVersion());
        // At once: they read the key in one block, MVCC lets one commit, the re-simulated others meet the key.
        const outcomes = await Promise.allSettled(versions.map((v) => submit(a, ContractName.Dataset, 'addDataset', { ...v, idempotencyKey: commitKey })));
        const committed = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        expect(committed).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: LedgerChaincodeErrorCode.CommitKeyUsed });
        await expect(evaluate(ContractName.Consortium, 'getKeyedCommit', { commitKey })).resolves.toEqual({
          commitKey,
          txId: committed[0]?.txId,
          transaction: `${ContractName.Dataset}:addDataset`,
          result: committed[0]?.result,
        });
        const present = await Promise.all(versions.map((v) => evaluate(ContractName.Dataset, 'getDataset', { datasetId: v.datasetId }).then(() => true, () => false)));
        expect(present.filter(Boolean)).toHaveLength(1);
        await expect(evaluate(ContractName.Consortium, 'getKeyedCommit', { commitKey: createHash('sha256').update(uniqueId('other')).digest('hex') })).rejects.toMatchObject({
          code: LedgerChaincodeErrorCode.CommitKeyNotFound,
        });
      });
    });

    describe('MVCC conflicts', () => {
      it('retries a transaction invalidated by a concurrent one, so both take effect in order', async () => {
        const { datasetId } = datasetVersion();
        await addDataset({ datasetId });
        const [v2, v3] = await Promise.allSettled([
          submit(a, ContractName.Dataset, 'updateDataset', datasetVersion({ datasetId, version: 2 })),
          submit(a, ContractName.Dataset, 'updateDataset', datasetVersion({ datasetId, version: 3 })),
        ]);
        // Whichever lost the first round was simulated again: version 3 always commits; version 2
        // either committed first or, retried after version 3, is refused by the chaincode itself.
        expect(v3.status).toBe('fulfilled');
        if (v2.status === 'rejected') expect(v2.reason).toMatchObject({ code: LedgerChaincodeErrorCode.DatasetVersionConflict });
        await expect(evaluate(ContractName.Dataset, 'getDataset', { datasetId })).resolves.toMatchObject({ version: 3 });
      });

      describe('without retries', () => {
        let noRetry: LedgerPort;

        beforeAll(async () => {
          noRetry = await target.open({ maxSubmitAttempts: 1 });
          await setUpConsortium(noRetry, target);
        });

        afterAll(async () => {
          await noRetry.close();
        });

        it('applies exactly one of two conflicting transactions in one block and reports the other as LEDGER.MVCC_CONFLICT', async () => {
          const { datasetId } = datasetVersion();
          const added = await noRetry.submit(a, ContractName.Dataset, 'addDataset', [JSON.stringify(datasetVersion({ datasetId }))]);
          // Both read version 1 and write version 2: the second one in the block read a stale version.
          const candidates = [datasetVersion({ datasetId, version: 2, sha256: 'a'.repeat(64) }), datasetVersion({ datasetId, version: 2, sha256: 'b'.repeat(64) })];
          const outcomes = await Promise.allSettled(candidates.map((c) => noRetry.submit(a, ContractName.Dataset, 'updateDataset', [JSON.stringify(c)])));

          const winner = only(outcomes.filter((o): o is PromiseFulfilledResult<SubmitResult> => o.status === 'fulfilled')).value;
          const conflict = only(outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')).reason as PhdmfError;
          expect(conflict).toBeInstanceOf(PhdmfError);
          expect(conflict.code).toBe(LedgerErrorCode.MVCC_CONFLICT);
          expect(conflict.details).toMatchObject({ blockNumber: winner.blockNumber, attempts: 1 });

          const loserTx = await noRetry.getTransaction(String(conflict.details?.['txId']));
          expect(loserTx).toMatchObject({ blockNumber: winner.blockNumber, validationCode: 'MVCC_READ_CONFLICT' });
          expect((await noRetry.getTransaction(winner.txId)).validationCode).toBe('VALID');

          const winnerRecord = JSON.parse(winner.result) as LedgerDatasetRecord;
          const current = JSON.parse(await noRetry.evaluate(governor, ContractName.Dataset, 'getDataset', [JSON.stringify({ datasetId })])) as LedgerDatasetRecord;
          expect(current).toMatchObject({ version: 2, sha256: winnerRecord.sha256, txId: winner.txId });

          // The invalid transaction emitted no event: after the winner's comes the next valid one.
          const marker = await noRetry.submit(a, ContractName.Dataset, 'addDataset', [JSON.stringify(datasetVersion())]);
          const events = await take(noRetry.chaincodeEvents({ blockNumber: added.blockNumber, afterTxId: added.txId }), 2);
          expect(events.map((e) => e.txId)).toEqual([winner.txId, marker.txId]);
        });
      });
    });

    describe('privacy budget', () => {
      it('admits exactly as many of 40 reservations started at once as the budget holds: 10 commit, 30 are refused BUDGET.EXHAUSTED, none conflicts', async () => {
        const { datasetId } = datasetVersion();
        await addDataset({ datasetId });
        const request = accessRequest(datasetId, { privacyMode: 'dp', budgetRho: 1 });
        await submit(governor, ContractName.Access, 'requestAccess', request);
        await submit(a, ContractName.Access, 'grantAccess', { requestId: request.requestId, operator: 'reviewer-a' });
        const reserve = (analysisId: string): Promise<SubmitResult> =>
          submit(governor, ContractName.Budget, 'reserveBudget', {
            analysisId,
            requester: request.requester,
            statistics: ['mean'],
            grants: [{ requestId: request.requestId, datasetId, quantities: [{ column: 'sbp', quantity: 'count', rho: 0.04 }, { column: 'sbp', quantity: 'sum', rho: 0.06 }] }],
          });

        const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => reserve(uniqueId('an'))));
        const committed = outcomes.filter((o): o is PromiseFulfilledResult<SubmitResult> => o.status === 'fulfilled').map((o) => o.value);
        const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as PhdmfError).code);
        expect(committed).toHaveLength(10);
        expect(refused).toEqual(Array.from({ length: 30 }, () => LedgerChaincodeErrorCode.BudgetExhausted));

        const budget = await evaluate<LedgerBudgetView>(ContractName.Budget, 'getBudget', { requestId: request.requestId });
        expect(budget.spends.map((s) => s.txId).sort()).toEqual(committed.map((c) => c.txId).sort());
        expect(budget.spentRho).toBeCloseTo(1, 9);
        for (const c of committed) expect((await ledger.getTransaction(c.txId)).validationCode).toBe('VALID');
      });
    });

    describe('chaincode events', () => {
      it('replays events from a checkpoint without gap or duplicate, resumes mid-block, then follows new commits', async () => {
        const first = await addDataset();
        const checkpoint = { blockNumber: first.blockNumber, afterTxId: first.txId };
        const later = await Promise.all(Array.from({ length: 6 }, () => addDataset()));
        const expected = await inCommitOrder(ledger, later);

        const replayed = await take(ledger.chaincodeEvents(checkpoint), expected.length);
        expect(replayed.map((e) => e.txId)).toEqual(expected.map((t) => t.txId));
        replayed.forEach((event, index) => {
          const tx = at(expected, index);
          expect(event).toMatchObject({ blockNumber: tx.blockNumber, txIndex: tx.txIndex, eventIndex: 0, eventName: 'DatasetAdded' });
          expect(JSON.parse(Buffer.from(event.payload).toString('utf8'))).toEqual(JSON.parse(tx.result));
        });

        const resumeAt = at(replayed, 2);
        const resumed = await take(ledger.chaincodeEvents({ blockNumber: resumeAt.blockNumber, afterTxId: resumeAt.txId }), expected.length - 3);
        expect(resumed.map((e) => e.txId)).toEqual(expected.slice(3).map((t) => t.txId));

        const last = at(replayed, replayed.length - 1);
        const live = take(ledger.chaincodeEvents({ blockNumber: last.blockNumber, afterTxId: last.txId }), 1);
        const newer = await addDataset();
        expect((await live).map((e) => e.txId)).toEqual([newer.txId]);
      });
    });

    describe('blocks, transactions and chain info', () => {
      it('finds a committed transaction by id and in its block, with its arguments and event', async () => {
        const request = datasetVersion();
        const args = [JSON.stringify(request)];
        const committed = await ledger.submit(a, ContractName.Dataset, 'addDataset', args);
        const tx = await ledger.getTransaction(committed.txId);
        expect(tx).toMatchObject({
          txId: committed.txId,
          blockNumber: committed.blockNumber,
          contract: ContractName.Dataset,
          function: 'addDataset',
          creatorMspId: a.mspId,
          validationCode: 'VALID',
          args,
          eventName: 'DatasetAdded',
          event: { name: 'DatasetAdded', payload: JSON.parse(committed.result) as unknown },
        });
        expect(JSON.parse(tx.response)).toEqual(JSON.parse(committed.result));
        expect(Date.parse(tx.timestamp)).not.toBeNaN();

        const block = await ledger.getBlock(committed.blockNumber);
        expect(block.number).toBe(committed.blockNumber);
        expect(block.transactions[tx.txIndex]).toMatchObject({ txId: committed.txId, txIndex: tx.txIndex, creatorMspId: a.mspId, validationCode: 'VALID' });
        const previous = await ledger.getBlock(committed.blockNumber - 1);
        expect(block.previousHash).toBe(previous.hash);
        expect(block.hash).toMatch(/^[0-9a-f]{64}$/);
      });

      it('reports the height and the hashes of the last two blocks, and verifies the chain', async () => {
        const committed = await addDataset();
        const info = await ledger.chainInfo();
        expect(info.height).toBeGreaterThan(committed.blockNumber);
        expect(info.currentBlockHash).toBe((await ledger.getBlock(info.height - 1)).hash);
        expect(info.previousBlockHash).toBe((await ledger.getBlock(info.height - 2)).hash);
        expect((await ledger.getBlock(0)).previousHash).toBe('');
        const verification = await ledger.verifyChain();
        expect(verification.ok).toBe(true);
        if (verification.ok) expect(verification.height).toBeGreaterThanOrEqual(info.height);
      });

      it('answers an unknown block or transaction with LEDGER.NOT_FOUND', async () => {
        const { height } = await ledger.chainInfo();
        await expect(ledger.getBlock(height + 1000)).rejects.toMatchObject({ code: LedgerErrorCode.NOT_FOUND });
        await expect(ledger.getTransaction('f'.repeat(64))).rejects.toMatchObject({ code: LedgerErrorCode.NOT_FOUND });
      });
    });

    describe('closing', () => {
      it('refuses work after close with LEDGER.UNAVAILABLE, and closes twice without harm', async () => {
        const closing = await target.open({ maxSubmitAttempts: 3 });
        await setUpConsortium(closing, target);
        await closing.close();
        await closing.close();
        await expect(closing.submit(a, ContractName.Dataset, 'addDataset', [JSON.stringify(datasetVersion())])).rejects.toMatchObject({
          code: LedgerErrorCode.UNAVAILABLE,
        });
        await expect(closing.evaluate(governor, ContractName.Consortium, 'listMembers', ['{}'])).rejects.toMatchObject({ code: LedgerErrorCode.UNAVAILABLE });
      });
    });
  });
}

/** Initializes the consortium if needed and makes sure both member MSPs belong to active members. */
export async function setUpConsortium(ledger: LedgerPort, target: LedgerPortConformanceTarget): Promise<{ memberIdA: string; memberIdB: string }> {
  await ensureConsortium(ledger, target.governor, 'Conformance consortium', silent);
  return {
    memberIdA: await ensureMember(ledger, target.governor, target.memberA),
    memberIdB: await ensureMember(ledger, target.governor, target.memberB),
  };
}

async function ensureMember(ledger: LedgerPort, governor: SigningIdentity, member: ConformanceMember): Promise<string> {
  try {
    const bound = JSON.parse(await ledger.evaluate(governor, ContractName.Consortium, 'getMemberByMsp', [JSON.stringify({ mspId: member.identity.mspId })])) as LedgerMemberRecord;
    if (bound.status === 'active') return bound.memberId;
  } catch (error) {
    if (!(error instanceof PhdmfError && error.code === LedgerChaincodeErrorCode.MemberNotFound)) throw error;
  }
  await ledger.submit(governor, ContractName.Consortium, 'admitMember', [JSON.stringify(admission(member.memberId, member.identity.mspId))]);
  return member.memberId;
}

/** The first `count` events of a stream (fails after `timeoutMs`), then stops iterating. */
export async function take(events: AsyncIterable<LedgerChaincodeEvent>, count: number, timeoutMs = 10_000): Promise<LedgerChaincodeEvent[]> {
  const taken: LedgerChaincodeEvent[] = [];
  if (count === 0) return taken;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`only ${taken.length} of ${count} events arrived within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const reading = (async () => {
    for await (const event of events) {
      taken.push(event);
      if (taken.length === count) break;
    }
    return taken;
  })();
  try {
    return await Promise.race([reading, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The one element of a list (fails the test otherwise). */
function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return at(items, 0);
}

/** The element at `index` (fails the test if there is none). */
function at<T>(items: T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`expected an element at index ${index} of ${items.length}`);
  return item;
}

/** Submit results with their position in the chain, ordered as committed. */
async function inCommitOrder(ledger: LedgerPort, results: SubmitResult[]): Promise<(SubmitResult & { txIndex: number })[]> {
  const located = await Promise.all(results.map(async (r) => ({ ...r, txIndex: (await ledger.getTransaction(r.txId)).txIndex })));
  return located.sort((x, y) => x.blockNumber - y.blockNumber || x.txIndex - y.txIndex);
}
