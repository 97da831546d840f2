import type { LedgerTransaction } from './chain';
import { isConcerned, transactionAsSeenBy } from './visibility';

function tx(contract: string, fn: string, args: object, record: object): LedgerTransaction {
  return {
    txId: 't1',
    txIndex: 0,
    contract,
    function: fn,
    creatorMspId: 'ConsortiumMSP',
    timestamp: '2030-01-01T00:00:00.000Z',
    validationCode: 'VALID',
    eventName: 'E',
    blockNumber: 4,
    args: [JSON.stringify(args)],
    response: JSON.stringify(record),
    event: { name: 'E', payload: record },
  };
}

const admin = { userId: 'admin-1', roles: ['consortium-admin'] };
const ownerStaff = { userId: 'staff-1', organisationId: 'hospital-a', roles: ['member'] };
const noOwners = new Map<string, string>();

describe('ledger visibility', () => {
  it('counts only staff roles of the owner institution, the requester and an admin as concerned; nobody without an actor', () => {
    const parties = { requester: 'r-1', ownerMemberIds: ['hospital-a'] };
    expect([admin, ownerStaff, { userId: 'r-1', roles: ['researcher'] }].map((reader) => isConcerned(reader, parties))).toEqual([true, true, true]);
    const outsiders = [undefined, { userId: 'x', organisationId: 'hospital-a', roles: ['researcher'] }, { userId: 'y', organisationId: 'hospital-b', roles: ['institution-admin'] }, { userId: 'svc', roles: ['service'] }];
    expect(outsiders.map((reader) => isConcerned(reader, parties))).toEqual([false, false, false, false]);
  });

  it("keeps a rejection's reason for an admin, and a function it does not classify whole for an admin", () => {
    const rejection = transactionAsSeenBy(tx('consortium', 'rejectMember', { memberId: 'm', reason: 'why' }, { memberId: 'm', reason: 'why' }), ownerStaff, noOwners);
    expect(rejection.redacted).toEqual(['args[0].reason', 'response.reason', 'event.payload.reason']);
    expect(JSON.parse(rejection.args[0]!)).toEqual({ memberId: 'm' });
    const unknown = tx('budget', 'reserve', { requester: 'r-1', epsilon: 1 }, { requester: 'r-1' });
    expect(transactionAsSeenBy(unknown, ownerStaff, noOwners)).toMatchObject({ args: [''], response: '', event: { name: 'E', payload: null }, redacted: ['args[0]', 'response', 'event.payload'] });
    expect(transactionAsSeenBy(unknown, admin, noOwners)).toBe(unknown);
  });

  it('lets the owners of the datasets an analysis used read it', () => {
    const analysis = tx('audit', 'recordAnalysis', { requester: 'r-1', columns: ['age'] }, { requester: 'r-1', columns: ['age'], grants: [{ datasetId: 'ds-1' }] });
    expect(transactionAsSeenBy(analysis, ownerStaff, new Map([['ds-1', 'hospital-a']]))).toBe(analysis);
    expect(transactionAsSeenBy(analysis, ownerStaff, new Map([['ds-1', 'hospital-b']])).redacted).toContain('args[0].columns');
  });
});
