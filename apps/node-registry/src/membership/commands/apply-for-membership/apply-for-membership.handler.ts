import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { NodeRegistryApplyForMembership, NodeRegistryErrorCode, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { forbidden, RegistryPolicy } from '../../domain/actor';
import { MembershipApplication } from '../../domain/application';
import { Institution } from '../../domain/institution';

/** An institution applies to join; its applicant is the acting (researcher) user. */
@Controller()
export class ApplyForMembershipHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(NodeRegistryApplyForMembership.CONTRACT)
  async execute(@Payload() p: NodeRegistryApplyForMembership.Payload, @Actor() actor: ActingUser | undefined): Promise<NodeRegistryApplyForMembership.Result> {
    const who = requireActor(actor);
    if (!RegistryPolicy.mayApply(who)) throw forbidden('Only a user who belongs to no institution (a registered researcher) may apply for membership');
    const em = this.orm.em.fork();
    if ((await em.count(MembershipApplication, { applicantUserId: who.userId, status: { $in: ['pending', 'admitted'] } })) > 0) {
      throw new PhdmfError(NodeRegistryErrorCode.ALREADY_APPLIED, 'You already have a pending or admitted application');
    }
    const nodeTaken =
      (await em.count(MembershipApplication, { nodeId: p.nodeId, status: { $in: ['pending', 'admitted'] } })) > 0 || (await em.count(Institution, { nodeId: p.nodeId })) > 0;
    if (nodeTaken) throw new PhdmfError(NodeRegistryErrorCode.NODE_ID_TAKEN, `Node id ${p.nodeId} is already in use`, { nodeId: p.nodeId });
    if (p.mspId !== undefined) {
      const mspTaken =
        (await em.count(MembershipApplication, { mspId: p.mspId, status: { $in: ['pending', 'admitted'] } })) > 0 || (await em.count(Institution, { mspId: p.mspId })) > 0;
      if (mspTaken) throw new PhdmfError(NodeRegistryErrorCode.MSP_ID_TAKEN, `MSP id ${p.mspId} is already in use`, { mspId: p.mspId });
    }

    const a = new MembershipApplication();
    a.id = randomUUID();
    // The member id is the organisation id users of the institution carry; pseudonymous, never its name.
    a.memberId = `m-${randomUUID()}`;
    // On Fabric the institution brings its own organisation (MSP); the chaincode refuses one that
    // another member or the governor holds.
    a.mspId = p.mspId ?? `${a.memberId}-msp`;
    a.name = p.name;
    a.contactName = p.contactName;
    a.contactEmail = p.contactEmail.toLowerCase();
    a.applicantUserId = who.userId;
    a.nodeId = p.nodeId;
    a.endpoint = p.endpoint;
    a.nodePublicKey = p.nodePublicKey;
    a.status = 'pending';
    a.reason = null;
    a.submittedAt = new Date();
    a.decidedAt = null;
    a.decidedBy = null;
    a.decisionTxId = null;
    a.decisionBlock = null;
    a.adminAppointedAt = null;
    await em.persist(a).flush();
    return a.toView();
  }
}
