import { Users } from '../../../test-support/authorization-world';
import { MarketPolicy } from './actor';

describe('MarketPolicy', () => {
  const request = { requester: Users.researcher.userId, ownerMemberId: 'hospital-a' };

  it('lets researchers and other institutions\' staff apply, never the owner\'s own staff or a consortium admin', () => {
    expect(MarketPolicy.mayApply(Users.researcher, 'hospital-a')).toBe(true);
    expect(MarketPolicy.mayApply(Users.memberB, 'hospital-a')).toBe(true);
    expect(MarketPolicy.mayApply(Users.adminB, 'hospital-a')).toBe(true);
    expect(MarketPolicy.mayApply(Users.memberA, 'hospital-a')).toBe(false);
    expect(MarketPolicy.mayApply(Users.consortiumAdmin, 'hospital-a')).toBe(false);
  });

  it('lets only the owner institution\'s admins and members decide; only its admins set the stance', () => {
    expect(MarketPolicy.mayDecide(Users.adminA, 'hospital-a')).toBe(true);
    expect(MarketPolicy.mayDecide(Users.memberA, 'hospital-a')).toBe(true);
    for (const other of [Users.adminB, Users.memberB, Users.researcher, Users.consortiumAdmin]) expect(MarketPolicy.mayDecide(other, 'hospital-a')).toBe(false);
    // A role without the organisation, or the organisation without a staff role, is not enough.
    expect(MarketPolicy.mayDecide({ userId: 'x', roles: ['institution-admin'] }, 'hospital-a')).toBe(false);
    expect(MarketPolicy.mayDecide({ userId: 'x', organisationId: 'hospital-a', roles: ['researcher'] }, 'hospital-a')).toBe(false);
    expect(MarketPolicy.maySetStance(Users.adminA, 'hospital-a')).toBe(true);
    expect(MarketPolicy.maySetStance(Users.memberA, 'hospital-a')).toBe(false);
    expect(MarketPolicy.maySetStance(Users.adminB, 'hospital-a')).toBe(false);
  });

  it('lets a request be read by its requester, the owner\'s staff and the consortium admin only', () => {
    for (const reader of [Users.researcher, Users.adminA, Users.memberA, Users.consortiumAdmin]) expect(MarketPolicy.mayReadRequest(reader, request)).toBe(true);
    for (const other of [Users.otherResearcher, Users.adminB, Users.memberB]) expect(MarketPolicy.mayReadRequest(other, request)).toBe(false);
  });
});
