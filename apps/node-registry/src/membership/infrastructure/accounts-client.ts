import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import { AccountsAppointInstitutionAdmin, PhdmfError, serviceActor } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { MessageBus } from '@phdmf/messaging';
import { LOGGER } from '../../registry.tokens';
import type { MembershipApplication } from '../domain/application';

/** The registry acts on accounts as a service, never as the end user who triggered it. */
export const REGISTRY_SERVICE_ACTOR = serviceActor('node-registry');

/**
 * Makes an admitted institution's applicant its admin in accounts. Called after the admission is
 * committed, by the admit command and again by the MemberAdmitted event handler, so a failure here
 * (accounts down) is retried by the event's redelivery. Idempotent on the accounts side.
 */
@Injectable()
export class InstitutionAdminAppointer {
  constructor(
    private readonly bus: MessageBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async appoint(em: EntityManager, application: MembershipApplication): Promise<void> {
    if (application.status !== 'admitted' || application.adminAppointedAt !== null) return;
    try {
      await this.bus.request(
        AccountsAppointInstitutionAdmin.CONTRACT,
        { userId: application.applicantUserId, organisationId: application.memberId },
        { actor: REGISTRY_SERVICE_ACTOR },
      );
    } catch (error) {
      // Transport trouble (accounts down, a timeout) is retried: the caller's event is redelivered.
      // A refusal with its own code (the applicant's account is gone, or belongs to another
      // institution by now) will not change on retry, and retrying would hold up every later event:
      // it is logged for the operators, and the institution's admin is created by hand.
      if (!(error instanceof PhdmfError) || error.code.startsWith('MESSAGING.')) throw error;
      this.logger.error({ memberId: application.memberId, code: error.code }, 'accounts refused to appoint the applicant as institution admin; appoint one by hand');
      return;
    }
    application.adminAppointedAt = new Date();
    await em.flush();
    this.logger.info({ memberId: application.memberId }, 'applicant appointed institution admin');
  }
}
