import { AccessPolicy } from './access-policy';

const consortiumAdmin = { userId: 'c', roles: ['consortium-admin'] };
const adminA = { userId: 'a', organisationId: 'org-a', roles: ['institution-admin'] };
const memberA = { userId: 'm', organisationId: 'org-a', roles: ['member'] };
const researcher = { userId: 'r', roles: ['researcher'] };

describe('AccessPolicy', () => {
  it('login history: own, any for the consortium admin, own institution for its admin', () => {
    const userOfA = { id: 'x', organisationId: 'org-a' };
    const userOfB = { id: 'y', organisationId: 'org-b' };
    expect(AccessPolicy.mayReadLoginHistory(researcher, { id: 'r', organisationId: null })).toBe(true);
    expect(AccessPolicy.mayReadLoginHistory(consortiumAdmin, userOfB)).toBe(true);
    expect(AccessPolicy.mayReadLoginHistory(adminA, userOfA)).toBe(true);
    expect(AccessPolicy.mayReadLoginHistory(adminA, userOfB)).toBe(false);
    expect(AccessPolicy.mayReadLoginHistory(memberA, userOfA)).toBe(false);
    expect(AccessPolicy.mayReadLoginHistory(researcher, userOfA)).toBe(false);
  });

  it('members are created by their own institution admin only', () => {
    expect(AccessPolicy.mayCreateMemberOf(adminA, 'org-a')).toBe(true);
    expect(AccessPolicy.mayCreateMemberOf(adminA, 'org-b')).toBe(false);
    expect(AccessPolicy.mayCreateMemberOf(consortiumAdmin, 'org-a')).toBe(false);
    expect(AccessPolicy.mayCreateMemberOf(memberA, 'org-a')).toBe(false);
  });

  it('institution admins are appointed by the consortium admin (or a service) only', () => {
    expect(AccessPolicy.mayAppointInstitutionAdmin(consortiumAdmin)).toBe(true);
    expect(AccessPolicy.mayAppointInstitutionAdmin({ userId: 's', roles: ['service'] })).toBe(true);
    expect(AccessPolicy.mayAppointInstitutionAdmin(adminA)).toBe(false);
  });
});
