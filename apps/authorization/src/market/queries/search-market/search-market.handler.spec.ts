import { postgresUrl } from '@phdmf/testing';
import { accessRecord, authorizationDatabase, datasetRecord, memberRecord, ScriptedBus, Users, wire } from '../../../../test-support/authorization-world';
import { containsPattern } from './search-market.handler';

// The text search is SQL of its own (LIKE with an escape character): run on both databases the service supports.
const dialects: [string, string | undefined][] = [['sqlite', undefined]];
const pg = postgresUrl();
if (pg) dialects.push(['postgresql', pg]);

describe.each(dialects)('SearchMarketHandler on %s', (_dialect, serverUrl) => {
  let db: Awaited<ReturnType<typeof authorizationDatabase>>;
  let parts: ReturnType<typeof wire>;
  let block = 1;

  beforeAll(async () => {
    db = await authorizationDatabase(serverUrl);
    parts = wire(db.orm, new ScriptedBus());
    await parts.projection.commit((em) => parts.projection.applyMember(em, memberRecord('hospital-a', 'Hospital A'), 1));
    await parts.projection.commit((em) => parts.projection.applyMember(em, memberRecord('hospital-b', 'Hospital B'), 2));
  });

  afterAll(async () => {
    await db.close();
  });

  async function release(overrides: Parameters<typeof datasetRecord>[0]) {
    const record = datasetRecord({ createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, block)).toISOString(), ...overrides });
    block += 1;
    await parts.projection.commit((em) => parts.projection.applyDataset(em, record, block));
    return record;
  }

  it('searches name and description case-insensitively, treats % and _ literally, filters by institution and column, and pages newest first', async () => {
    const cardio = await release({ name: 'Cardiology cohort', description: 'Blood pressure, 2019-2023', columns: ['age', 'sbp'], columnTypes: ['numeric', 'numeric'], columnCount: 2 });
    const diabetes = await release({ name: 'Diabetes registry', description: 'HbA1c_100% complete', columns: ['age', 'hba1c'], columnTypes: ['numeric', 'numeric'], columnCount: 2, ownerMemberId: 'hospital-b', ownerMspId: 'hospital-b-msp' });
    const stroke = await release({ name: 'Stroke unit', description: 'blood pressure at admission', columns: ['sbp', 'nihss'], columnTypes: ['numeric', 'numeric'], columnCount: 2, ownerMemberId: 'hospital-b', ownerMspId: 'hospital-b-msp' });
    await release({ name: 'Withdrawn blood study', status: 'deleted', version: 2 });

    const ids = (r: { items: { datasetId: string }[] }) => r.items.map((i) => i.datasetId);
    const all = await parts.search.execute({}, Users.researcher);
    expect(all).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(ids(all)).toEqual([stroke.datasetId, diabetes.datasetId, cardio.datasetId]);
    expect(all.items[2]).toMatchObject({ name: 'Cardiology cohort', ownerName: 'Hospital A', columns: [{ name: 'age', type: 'numeric' }, { name: 'sbp', type: 'numeric' }], stance: 'open', status: 'active', permission: { state: 'none' } });

    expect(ids(await parts.search.execute({ q: 'BLOOD Pressure' }, Users.researcher))).toEqual([stroke.datasetId, cardio.datasetId]);
    expect(ids(await parts.search.execute({ q: '_100%' }, Users.researcher))).toEqual([diabetes.datasetId]);
    expect(ids(await parts.search.execute({ q: '%' }, Users.researcher))).toEqual([diabetes.datasetId]);
    expect(ids(await parts.search.execute({ q: 'c_hort' }, Users.researcher))).toEqual([]);
    expect(ids(await parts.search.execute({ institution: 'hospital-b' }, Users.researcher))).toEqual([stroke.datasetId, diabetes.datasetId]);
    expect(ids(await parts.search.execute({ column: 'sbp' }, Users.researcher))).toEqual([stroke.datasetId, cardio.datasetId]);
    expect(ids(await parts.search.execute({ column: 'SBP' }, Users.researcher))).toEqual([]);
    expect(ids(await parts.search.execute({ column: 'sbp', institution: 'hospital-a', q: 'cardio' }, Users.researcher))).toEqual([cardio.datasetId]);

    const page2 = await parts.search.execute({ page: 2, pageSize: 2 }, Users.researcher);
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(ids(page2)).toEqual([cardio.datasetId]);
    expect((await parts.search.execute({ page: 3, pageSize: 2 }, Users.researcher)).items).toEqual([]);
    await expect(parts.search.execute({}, undefined)).rejects.toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
  });

  it('shows each caller their own permission, expired grants as expired', async () => {
    const ds = await release({ name: 'Permissions' });
    const expiredGrant = accessRecord(ds, {
      requester: Users.otherResearcher.userId,
      status: 'granted',
      grant: { columns: ['age'], statistics: ['count'], expiresAt: '2020-01-01T00:00:00.000Z', operator: 'admin-a', grantedAt: '2019-12-01T00:00:00.000Z', txId: 'tx-old-grant' },
    });
    await parts.projection.commit((em) => parts.projection.applyRequest(em, accessRecord(ds), 50));
    await parts.projection.commit((em) => parts.projection.applyRequest(em, expiredGrant, 51));
    const seenBy = async (who: { userId: string; organisationId?: string; roles: readonly string[] }) =>
      (await parts.search.execute({ q: 'permissions' }, who)).items[0]?.permission.state;
    expect(await seenBy(Users.researcher)).toBe('requested');
    expect(await seenBy(Users.otherResearcher)).toBe('expired');
    expect(await seenBy(Users.memberB)).toBe('none');
  });

  it('escapes LIKE wildcards and the escape character', () => {
    expect(containsPattern('A_b%c\\d')).toBe('%a\\_b\\%c\\\\d%');
  });
});
