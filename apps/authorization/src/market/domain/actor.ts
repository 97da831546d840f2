import { AuthorizationErrorCode, isConcerned, PhdmfError, type ActingUser } from '@phdmf/contracts';

export function forbidden(message: string, details?: Record<string, unknown>): PhdmfError {
  return new PhdmfError(AuthorizationErrorCode.FORBIDDEN, message, details);
}

const STAFF_ROLES = ['institution-admin', 'member'];
const APPLICANT_ROLES = ['researcher', 'member', 'institution-admin'];

/**
 * Who may do what in the data market. The REST edge checks roles as well; these rules hold for
 * any message that reaches the service, whoever sent it, and they compare organisations, which
 * the edge cannot (it does not know who owns a dataset or a request).
 */
export const MarketPolicy = {
  isConsortiumAdmin(a: ActingUser): boolean {
    return a.roles.includes('consortium-admin');
  },
  /** An institution-admin or member of the institution `memberId`. */
  isStaffOf(a: ActingUser, memberId: string): boolean {
    return a.organisationId !== undefined && a.organisationId === memberId && a.roles.some((r) => STAFF_ROLES.includes(r));
  },
  /** Staff of some institution (they may list the requests their institution receives). */
  isInstitutionStaff(a: ActingUser): boolean {
    return a.organisationId !== undefined && a.roles.some((r) => STAFF_ROLES.includes(r));
  },
  /** Researchers, and staff of institutions other than the owner, may apply. */
  mayApply(a: ActingUser, ownerMemberId: string): boolean {
    return a.roles.some((r) => APPLICANT_ROLES.includes(r)) && a.organisationId !== ownerMemberId;
  },
  /** The owner institution's admins and members grant, deny and revoke. */
  mayDecide(a: ActingUser, ownerMemberId: string): boolean {
    return MarketPolicy.isStaffOf(a, ownerMemberId);
  },
  /** Only the owner institution's admins open or close a dataset. */
  maySetStance(a: ActingUser, ownerMemberId: string): boolean {
    return a.roles.includes('institution-admin') && a.organisationId === ownerMemberId;
  },
  /** The requester, the owner institution's staff, or a consortium admin: the ledger's own reading rule. */
  mayReadRequest(a: ActingUser, request: { requester: string; ownerMemberId: string }): boolean {
    return isConcerned(a, { requester: request.requester, ownerMemberIds: [request.ownerMemberId] });
  },
};
