import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { LedgerAdmitMember, LedgerChaincodeErrorCode, LedgerGetMember, LedgerGetTransaction, NodeRegistryAdmitApplication, NodeRegistryErrorCode, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { Actor, firstKeyedCommit, HandleRequest, MessageBus } from '@phdmf/messaging';
import { NodeRegistryConfig } from '../../../config';
import { LOGGER } from '../../../registry.tokens';
import { forbidden, RegistryPolicy } from '../../domain/actor';
import { MembershipApplication } from '../../domain/application';
import { InstitutionAdminAppointer } from '../../infrastructure/accounts-client';
import { Admissions } from '../../infrastructure/admissions';
import { Institution } from '../../domain/institution';

/**
 * Admission is a ledger transaction first: the ledger's admit-member command answers only after
 * commit, with the transaction id and block. Only then does the registry record the member, and
 * only then is the applicant made the institution's admin.
 */
@Controller()
export class AdmitApplicationHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly bus: MessageBus,
    private readonly admissions: Admissions,
    private readonly appointer: InstitutionAdminAppointer,
    private readonly config: NodeRegistryConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @HandleRequest(NodeRegistryAdmitApplication.CONTRACT)
  async execute(@Payload() p: NodeRegistryAdmitApplication.Payload, @Actor() actor: ActingUser | undefined): Promise<NodeRegistryAdmitApplication.Result> {
    const who = requireActor(actor);
    if (!RegistryPolicy.mayDecide(who)) throw forbidden('Only the consortium admin admits institutions');
    const em = this.orm.em.fork();
    const application = await em.findOne(MembershipApplication, { id: p.applicationId });
    if (!application) throw new PhdmfError(NodeRegistryErrorCode.APPLICATION_NOT_FOUND, 'No such application', { applicationId: p.applicationId });
    // A retry (same Idempotency-Key) of an admission that committed: the first commit, not a conflict.
    const replayed = await firstKeyedCommit(this.bus, LedgerAdmitMember.CONTRACT);
    if (replayed !== undefined && application.status === 'admitted') return application.toView();
    if (replayed === undefined) {
      application.assertPending();
      // Checked again here, not only when applying: two applications may have raced for one node id,
      // and once the admission is committed the registry must be able to record it.
      if ((await em.count(Institution, { nodeId: application.nodeId })) > 0) {
        throw new PhdmfError(NodeRegistryErrorCode.NODE_ID_TAKEN, `Node id ${application.nodeId} is already in use by a member`, { nodeId: application.nodeId });
      }
    }

    const committed = replayed ?? (await this.submit(application));
    try {
      await this.admissions.apply(em, application, committed.record, committed.txId, committed.blockNumber, who.userId);
    } catch (error) {
      // The MemberAdmitted chain event may have been applied in between: then it is done already.
      const fresh = await this.orm.em.fork().findOne(MembershipApplication, { id: application.id }).catch(() => null);
      if (fresh?.status === 'admitted') return fresh.toView();
      // Committed on-chain, so answered as admitted: the MemberAdmitted event applies it (and
      // appoints the admin) once the registry can write; it is redelivered until then.
      this.logger.warn({ err: error, memberId: application.memberId, txId: committed.txId }, 'admission committed on-chain but not yet in the registry; the MemberAdmitted event will apply it');
      return application.toView();
    }
    try {
      await this.appointer.appoint(em, application);
    } catch (error) {
      // Committed on-chain already; the MemberAdmitted event handler retries the appointment.
      this.logger.warn({ err: error, memberId: application.memberId }, 'could not appoint the institution admin yet; will retry from the chain event');
    }
    return application.toView();
  }

  private async submit(a: MembershipApplication): Promise<LedgerAdmitMember.Result> {
    try {
      return await this.bus.request(
        LedgerAdmitMember.CONTRACT,
        { memberId: a.memberId, name: a.name, mspId: a.mspId, nodeId: a.nodeId, nodePublicKey: a.nodePublicKey, endpoint: a.endpoint },
        { timeoutMs: this.config.LEDGER_COMMAND_TIMEOUT_MS },
      );
    } catch (error) {
      // A retry after a lost answer: the admission is committed already. Read it back, with its block.
      if (error instanceof PhdmfError && error.code === LedgerChaincodeErrorCode.MemberAlreadyExists) {
        const record = await this.bus.request(LedgerGetMember.CONTRACT, { memberId: a.memberId });
        if (record.status === 'active') {
          const tx = await this.bus.request(LedgerGetTransaction.CONTRACT, { txId: record.txId });
          return { txId: record.txId, blockNumber: tx.blockNumber, record };
        }
      }
      throw error;
    }
  }
}
