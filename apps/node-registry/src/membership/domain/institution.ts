import type { ConnectionTestResult, InstitutionView, LedgerMemberRecord } from '@phdmf/contracts';

/** An admitted member institution and its storage node, as last committed on-chain. */
export class Institution {
  memberId!: string;
  name!: string;
  mspId!: string;
  nodeId!: string;
  endpoint!: string;
  nodePublicKey!: string;
  admittedAt!: Date;
  admissionTxId!: string;
  admissionBlock!: number;
  nodeUpdateTxId!: string | null;
  nodeUpdateBlock!: number | null;
  lastHeartbeatAt!: Date | null;
  /** The last connection test's result, as JSON. */
  lastTest!: string | null;

  /** Applies a committed node change; ignores one older than what is already applied. */
  applyNodeUpdate(record: Pick<LedgerMemberRecord, 'nodeId' | 'endpoint' | 'nodePublicKey'>, txId: string, blockNumber: number): boolean {
    if (this.nodeUpdateBlock !== null && blockNumber < this.nodeUpdateBlock) return false;
    if (this.nodeUpdateTxId === txId) return false;
    this.nodeId = record.nodeId ?? this.nodeId;
    this.endpoint = record.endpoint ?? this.endpoint;
    this.nodePublicKey = record.nodePublicKey ?? this.nodePublicKey;
    this.nodeUpdateTxId = txId;
    this.nodeUpdateBlock = blockNumber;
    return true;
  }

  recordTest(result: ConnectionTestResult): void {
    this.lastTest = JSON.stringify(result);
    if (result.reachable) this.lastHeartbeatAt = new Date(result.testedAt);
  }

  toView(onChain?: { record?: LedgerMemberRecord; error?: string }): InstitutionView {
    return {
      memberId: this.memberId,
      name: this.name,
      status: 'active',
      nodeId: this.nodeId,
      endpoint: this.endpoint,
      nodePublicKey: this.nodePublicKey,
      admittedAt: this.admittedAt.toISOString(),
      ...(this.lastHeartbeatAt ? { lastHeartbeatAt: this.lastHeartbeatAt.toISOString() } : {}),
      ...(this.lastTest ? { lastConnectionTest: JSON.parse(this.lastTest) as ConnectionTestResult } : {}),
      ...(onChain?.record ? { onChain: onChain.record } : {}),
      ...(onChain?.error ? { onChainError: onChain.error } : {}),
      admission: { txId: this.admissionTxId, blockNumber: this.admissionBlock },
      ...(this.nodeUpdateTxId !== null && this.nodeUpdateBlock !== null ? { lastNodeUpdate: { txId: this.nodeUpdateTxId, blockNumber: this.nodeUpdateBlock } } : {}),
    };
  }
}
