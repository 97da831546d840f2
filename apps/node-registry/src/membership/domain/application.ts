import { NodeRegistryErrorCode, PhdmfError, type ApplicationStatus, type ApplicationView } from '@phdmf/contracts';

/** A membership application; its decision takes effect only once committed on-chain. */
export class MembershipApplication {
  id!: string;
  memberId!: string;
  mspId!: string;
  name!: string;
  contactName!: string;
  contactEmail!: string;
  applicantUserId!: string;
  nodeId!: string;
  endpoint!: string;
  nodePublicKey!: string;
  status!: ApplicationStatus;
  reason!: string | null;
  submittedAt!: Date;
  decidedAt!: Date | null;
  decidedBy!: string | null;
  decisionTxId!: string | null;
  decisionBlock!: number | null;
  /** When the applicant was made the institution's admin (accounts); null until then. */
  adminAppointedAt!: Date | null;

  assertPending(): void {
    if (this.status !== 'pending') {
      throw new PhdmfError(NodeRegistryErrorCode.ALREADY_DECIDED, `The application was already ${this.status}`, { status: this.status });
    }
  }

  /** Records a committed decision. Idempotent: the command's answer and the chain event both land here. */
  recordDecision(status: 'admitted' | 'rejected', d: { txId: string; blockNumber: number; at: Date; by: string | null; reason?: string }): boolean {
    if (this.status === status && this.decisionTxId === d.txId) return false;
    this.status = status;
    this.decisionTxId = d.txId;
    this.decisionBlock = d.blockNumber;
    this.decidedAt = d.at;
    this.decidedBy = d.by ?? this.decidedBy;
    if (d.reason !== undefined) this.reason = d.reason;
    return true;
  }

  toView(): ApplicationView {
    return {
      applicationId: this.id,
      memberId: this.memberId,
      mspId: this.mspId,
      name: this.name,
      contactName: this.contactName,
      contactEmail: this.contactEmail,
      applicantUserId: this.applicantUserId,
      nodeId: this.nodeId,
      endpoint: this.endpoint,
      nodePublicKey: this.nodePublicKey,
      status: this.status,
      ...(this.reason ? { reason: this.reason } : {}),
      submittedAt: this.submittedAt.toISOString(),
      ...(this.decidedAt ? { decidedAt: this.decidedAt.toISOString() } : {}),
      ...(this.decidedBy ? { decidedBy: this.decidedBy } : {}),
      ...(this.decisionTxId !== null && this.decisionBlock !== null ? { decision: { txId: this.decisionTxId, blockNumber: this.decisionBlock } } : {}),
    };
  }
}
