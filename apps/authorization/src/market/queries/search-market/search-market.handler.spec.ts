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
    expect(all).toMatchObject({ total: 3, nextCursor: null });
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

    const page1 = await parts.search.execute({ limit: 2 }, Users.researcher);
    expect(page1).toMatchObject({ total: 3, nextCursor: expect.any(String) as string });
    expect(ids(page1)).toEqual([stroke.datasetId, diabetes.datasetId]);
    const page2 = await parts.search.execute({ limit: 2, cursor: page1.nextCursor! }, Users.researcher);
    expect(page2).toMatchObject({ total: 3, nextCursor: null });
    expect(ids(page2)).toEqual([cardio.datasetId]);
    await expect(parts.search.execute({}, undefined)).rejects.toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
  });

  it('pages by keyset: every dataset exactly once, newest first, while others are released between pages; cursors bound to their filters', async () => {
    const before = (await parts.search.execute({ limit: 200 }, Users.researcher)).items.map((i) => i.datasetId);
    const released: string[] = [];
    // Two releases share each second: the id breaks the tie, and the page boundary falls inside a tie.
    for (let i = 0; i < 7; i += 1) {
      const record = datasetRecord({ name: `Paged ${i}`, createdAt: new Date(Date.UTC(2031, 0, 1, 0, 0, Math.floor(i / 2))).toISOString() });
      block += 1;
      await parts.projection.commit((em) => parts.projection.applyDataset(em, record, block));
      released.push(record.datasetId);
    }
    const expected = (await parts.search.execute({ limit: 200 }, Users.researcher)).items.map((i) => i.datasetId);
    expect(expected).toHaveLength(before.length + 7);
    expect(new Set(expected.slice(0, 7))).toEqual(new Set(released));

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof parts.search.execute>> = await parts.search.execute({ limit: 3, ...(cursor !== null ? { cursor } : {}) }, Users.researcher);
      // The total counts what matches now: the late arrival from the second page on.
      expect(page.total).toBe(expected.length + (pages === 0 ? 0 : 1));
      seen.push(...page.items.map((i) => i.datasetId));
      cursor = page.nextCursor;
      pages += 1;
      if (pages === 1) {
        // Released between the first page and the second: newer than every cursor, so not on a later page.
        await release({ name: 'Late arrival', createdAt: new Date(Date.UTC(2032, 0, 1)).toISOString() });
      }
    } while (cursor !== null);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 3));

    const paged = await parts.search.execute({ q: 'paged', limit: 2 }, Users.researcher);
    expect(paged.total).toBe(7);
    await expect(parts.search.execute({ q: 'other', limit: 2, cursor: paged.nextCursor! }, Users.researcher)).rejects.toMatchObject({ code: 'PAGINATION.CURSOR_INVALID' });
    await expect(parts.search.execute({ limit: 2, cursor: paged.nextCursor! }, Users.researcher)).rejects.toMatchObject({ code: 'PAGINATION.CURSOR_INVALID' });
    for (const bad of ['', 'x', '!!!', Buffer.from('{"v":1}').toString('base64url'), paged.nextCursor!.slice(0, -3)]) {
      await expect(parts.search.execute({ cursor: bad }, Users.researcher)).rejects.toMatchObject({ code: 'PAGINATION.CURSOR_INVALID' });
    }
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
