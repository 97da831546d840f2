import { RegistryPolicy } from './actor';

const consortiumAdmin = { userId: 'c', roles: ['consortium-admin'] };
const adminA = { userId: 'a', organisationId: 'org-a', roles: ['institution-admin'] };
const memberA = { userId: 'm', organisationId: 'org-a', roles: ['member'] };
const researcher = { userId: 'r', roles: ['researcher'] };

describe('RegistryPolicy', () => {
  it('only researchers without an institution apply', () => {
    expect(RegistryPolicy.mayApply(researcher)).toBe(true);
    expect(RegistryPolicy.mayApply(adminA)).toBe(false);
    expect(RegistryPolicy.mayApply(consortiumAdmin)).toBe(false);
  });

  it('only the consortium admin decides', () => {
    expect(RegistryPolicy.mayDecide(consortiumAdmin)).toBe(true);
    for (const a of [adminA, memberA, researcher]) expect(RegistryPolicy.mayDecide(a)).toBe(false);
  });

  it('only the institution\'s own admin configures its node; the consortium admin may test it', () => {
    expect(RegistryPolicy.mayConfigureNode(adminA, 'org-a')).toBe(true);
    expect(RegistryPolicy.mayConfigureNode(adminA, 'org-b')).toBe(false);
    expect(RegistryPolicy.mayConfigureNode(consortiumAdmin, 'org-a')).toBe(false);
    expect(RegistryPolicy.mayConfigureNode(memberA, 'org-a')).toBe(false);
    expect(RegistryPolicy.mayTestNode(consortiumAdmin, 'org-a')).toBe(true);
    expect(RegistryPolicy.mayTestNode(adminA, 'org-b')).toBe(false);
  });

  it('an application is readable by its applicant and the consortium admin only', () => {
    expect(RegistryPolicy.mayReadApplication(researcher, 'r')).toBe(true);
    expect(RegistryPolicy.mayReadApplication(consortiumAdmin, 'r')).toBe(true);
    expect(RegistryPolicy.mayReadApplication(adminA, 'r')).toBe(false);
  });
});
