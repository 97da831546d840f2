// The ledger service's half of keyed commits (the chaincode's is chaincode/src/keyed-commits.ts): a
// write submitted in a unit of work that carries the edge's Idempotency-Key (CorrelationScope
// `idempotencyKey`, the Phdmf-Idempotency-Key header) is committed under a key derived from it and the
// transaction function, and a retry of it is answered with the first commit — the same transaction
// id, block and record — without a second transaction.
import { createHash } from 'node:crypto';
import type { LedgerCommitted } from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { hasCode } from '../ledger-port/ledger-errors';
import type { LedgerPort, SigningIdentity } from '../ledger-port/ledger-port';
import { ChaincodeErrorCode, ContractName } from './phdmf-chaincode';

/** One key per transaction function in a unit of work: an analysis reserves and records under one edge key. */
export function commitKeyOf(idempotencyKey: string, contract: string, fn: string): string {
  return createHash('sha256').update(`${idempotencyKey}\u0000${contract}:${fn}`).digest('hex');
}

/** The request's commit key in the current unit of work, if the edge sent an Idempotency-Key. */
export function currentCommitKey(contract: string, fn: string): string | undefined {
  const idempotencyKey = Correlation.current()?.idempotencyKey;
  return idempotencyKey === undefined ? undefined : commitKeyOf(idempotencyKey, contract, fn);
}

interface KeyedCommitRecord {
  txId: string;
  transaction: string;
  result: string;
}

export class KeyedCommits {
  constructor(
    private readonly ledger: LedgerPort,
    private readonly reader: () => SigningIdentity,
  ) {}

  /** The first commit under `commitKey`, with its block, or undefined when nothing committed under it. */
  async find<R>(commitKey: string): Promise<LedgerCommitted<R> | undefined> {
    let record: KeyedCommitRecord;
    try {
      record = JSON.parse(await this.ledger.evaluate(this.reader(), ContractName.Consortium, 'getKeyedCommit', [JSON.stringify({ commitKey })])) as KeyedCommitRecord;
    } catch (error) {
      if (hasCode(error, ChaincodeErrorCode.CommitKeyNotFound)) return undefined;
      throw error;
    }
    const { blockNumber } = await this.ledger.getTransaction(record.txId);
    return { txId: record.txId, blockNumber, record: JSON.parse(record.result) as R };
  }

  /**
   * Submits under the key. When something committed under it already — an earlier attempt, or a
   * submission racing with this one — the chaincode refuses before writing anything (COMMIT.KEY_USED;
   * on Fabric the proposal is never ordered) and the answer is that first commit. No read before the
   * submit: the chaincode's check is the one that counts, and a first attempt (the usual case) would
   * pay a query for nothing.
   */
  async submitOnce<R>(commitKey: string, submit: (keyed: { idempotencyKey: string }) => Promise<LedgerCommitted<R>>): Promise<LedgerCommitted<R>> {
    try {
      return await submit({ idempotencyKey: commitKey });
    } catch (error) {
      if (!hasCode(error, ChaincodeErrorCode.CommitKeyUsed)) throw error;
      const first = await this.find<R>(commitKey);
      if (first === undefined) throw error;
      return first;
    }
  }
}
