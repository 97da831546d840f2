import { type ActingUser } from '@phdmf/contracts';
import { hasRole } from './actor';

/**
 * Who may see or change which account. Kept apart from the handlers so the rules read in one place
 * and are tested on their own: the REST edge checks roles too, but these checks hold even for a
 * message that reaches accounts some other way.
 */
export const AccessPolicy = {
  /** Own history; a consortium admin anyone's; an institution admin their own institution's users'. */
  mayReadLoginHistory(actor: ActingUser, target: { id: string; organisationId: string | null }): boolean {
    if (actor.userId === target.id) return true;
    if (hasRole(actor, 'consortium-admin')) return true;
    return hasRole(actor, 'institution-admin') && actor.organisationId !== undefined && actor.organisationId === target.organisationId;
  },

  /** Members are created by their own institution's admin, and by nobody else. */
  mayCreateMemberOf(actor: ActingUser, organisationId: string): boolean {
    return hasRole(actor, 'institution-admin') && actor.organisationId === organisationId;
  },

  mayListUsersOf(actor: ActingUser, organisationId: string): boolean {
    if (hasRole(actor, 'consortium-admin')) return true;
    return hasRole(actor, 'institution-admin') && actor.organisationId === organisationId;
  },

  /** Institution admins are appointed on admission, by the consortium admin (through node-registry). */
  mayAppointInstitutionAdmin(actor: ActingUser): boolean {
    return hasRole(actor, 'consortium-admin') || hasRole(actor, 'service');
  },
};
