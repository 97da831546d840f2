import { NodeRegistryErrorCode, PhdmfError, type ActingUser } from '@phdmf/contracts';

export function forbidden(message: string): PhdmfError {
  return new PhdmfError(NodeRegistryErrorCode.FORBIDDEN, message);
}

/**
 * Who may do what with applications and nodes. The REST edge checks roles as well; these rules
 * hold for any message that reaches the service, whoever sent it.
 */
export const RegistryPolicy = {
  isConsortiumAdmin(a: ActingUser): boolean {
    return a.roles.includes('consortium-admin');
  },
  /** Applicants are researchers: users who belong to no institution yet. */
  mayApply(a: ActingUser): boolean {
    return a.roles.includes('researcher') && a.organisationId === undefined;
  },
  mayDecide(a: ActingUser): boolean {
    return a.roles.includes('consortium-admin');
  },
  mayReadApplication(a: ActingUser, applicantUserId: string): boolean {
    return a.roles.includes('consortium-admin') || a.userId === applicantUserId;
  },
  /** Only the institution's own admin configures its node. */
  mayConfigureNode(a: ActingUser, memberId: string): boolean {
    return a.roles.includes('institution-admin') && a.organisationId === memberId;
  },
  mayTestNode(a: ActingUser, memberId: string): boolean {
    return a.roles.includes('consortium-admin') || (a.roles.includes('institution-admin') && a.organisationId === memberId);
  },
};
