import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MikroORM } from '@mikro-orm/core';
import { AccountsAppointInstitutionAdmin, AccountsErrorCode, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import { Actor, HandleRequest } from '@phdmf/messaging';
import { AccessPolicy } from '../../domain/access-policy';
import { forbidden } from '../../domain/actor';
import { User } from '../../domain/user';

/**
 * Makes the applicant of an admitted institution its admin. The account exists already (the
 * applicant registered and applied with it), so no password travels between services.
 */
@Controller()
export class AppointInstitutionAdminHandler {
  constructor(private readonly orm: MikroORM) {}

  @HandleRequest(AccountsAppointInstitutionAdmin.CONTRACT)
  async execute(@Payload() p: AccountsAppointInstitutionAdmin.Payload, @Actor() actor: ActingUser | undefined): Promise<AccountsAppointInstitutionAdmin.Result> {
    if (!AccessPolicy.mayAppointInstitutionAdmin(requireActor(actor))) throw forbidden('Only the consortium admin appoints institution admins');
    const em = this.orm.em.fork();
    const user = await em.findOne(User, { id: p.userId });
    if (!user) throw new PhdmfError(AccountsErrorCode.USER_NOT_FOUND, 'No such user', { userId: p.userId });
    if (user.organisationId === p.organisationId && user.listRoles().includes('institution-admin')) return user.toView();
    if (user.organisationId !== null || !user.listRoles().includes('researcher')) {
      throw forbidden('Only a user who belongs to no institution (a researcher account) can become an institution admin');
    }
    user.assignRoles(['institution-admin']);
    user.organisationId = p.organisationId;
    user.updatedAt = new Date();
    await em.flush();
    return user.toView();
  }
}
