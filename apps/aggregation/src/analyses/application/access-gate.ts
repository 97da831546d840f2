import { Injectable } from '@nestjs/common';
import { AggregationErrorCode, LedgerChaincodeErrorCode, PhdmfError, type LedgerColumnGrid, type LedgerMemberRecord, type LedgerPrivacyMode, type LedgerStatistic } from '@phdmf/contracts';
import { LedgerClient } from '../infrastructure/ledger-client';

/** A dataset cleared for an analysis: what to ask, where, and what its answer must say. */
export interface ClearedDataset {
  datasetId: string;
  ownerMemberId: string;
  nodeId: string;
  publicKeyPem: string;
  sha256: string;
  datasetVersion: number;
  grantRequestId: string;
  /** The owner's declared histogram grids (on-chain): a site's histogram must come back on them. */
  columnGrids: LedgerColumnGrid[];
  /** The grant's privacy mode (on-chain): `dp` analyses reserve budget before any site is asked. */
  privacyMode: LedgerPrivacyMode;
}

/**
 * Clears one dataset for one requester's analysis, before any summary request is sent, with the
 * ledger alone — the only place the grant rules live (the chaincode's access:checkAccess). Asked in
 * parallel: `LedgerCheckAccess` (the dataset active, a grant in force covering the columns and
 * statistics; it names the grant), `LedgerGetDataset` (the hash and version the node must have
 * re-hashed, the owner's grids) and, as soon as the dataset names its owner, `LedgerGetMember` (the
 * node to ask and the key its summary must verify with). The storage node checks the grant with the
 * ledger again: a site does not trust the aggregator.
 *
 * A refusal carries the ledger's code and names the dataset; the access check's refusal comes first.
 */
@Injectable()
export class AccessGate {
  constructor(private readonly ledger: LedgerClient) {}

  async clear(datasetId: string, requester: string, columns: readonly string[], statistics: LedgerStatistic[]): Promise<ClearedDataset> {
    const dataset = this.ledger.getDataset(datasetId);
    // Settled together, then judged in a fixed order: the first refusal reported does not depend on which answer came first.
    const [check, onChain, owner] = await Promise.allSettled([
      this.ledger.checkAccess({ datasetId, requester, columns: [...columns], statistics }),
      dataset,
      dataset.then((d) => this.ownerOf(d.ownerMemberId)),
    ]);
    const access = valueOf(check);
    if (!access.inForce) throw new PhdmfError(access.code, `dataset "${datasetId}": ${access.reason}`, { datasetId });
    const record = valueOf(onChain);
    if (record.status !== 'active') {
      // Changed between the two reads: the current record decides.
      const code = record.status === 'deleted' ? LedgerChaincodeErrorCode.DatasetDeleted : LedgerChaincodeErrorCode.DatasetTampered;
      throw new PhdmfError(code, `dataset "${datasetId}" is ${record.status} on the ledger`, { datasetId });
    }
    const member = valueOf(owner);
    if (member?.status !== 'active' || !member.nodeId || !member.nodePublicKey) {
      throw new PhdmfError(AggregationErrorCode.NODE_UNKNOWN, `dataset "${datasetId}": its owner "${record.ownerMemberId}" has no active storage node (id and public key) on-chain`, { datasetId });
    }
    return {
      datasetId,
      ownerMemberId: record.ownerMemberId,
      nodeId: member.nodeId,
      publicKeyPem: member.nodePublicKey,
      sha256: record.sha256,
      datasetVersion: record.version,
      grantRequestId: access.grant.requestId,
      columnGrids: record.columnGrids ?? [],
      privacyMode: access.grant.grant?.privacyMode ?? 'controlled',
    };
  }

  /** The owner's member record; undefined if the ledger has none. */
  private ownerOf(memberId: string): Promise<LedgerMemberRecord | undefined> {
    return this.ledger.getMember(memberId).catch((error: unknown) => {
      if (error instanceof PhdmfError && error.code === LedgerChaincodeErrorCode.MemberNotFound) return undefined;
      throw error;
    });
  }
}

function valueOf<T>(settled: PromiseSettledResult<T>): T {
  if (settled.status === 'rejected') throw settled.reason;
  return settled.value;
}
