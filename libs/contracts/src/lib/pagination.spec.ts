import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PageLimits, PageQuery, PageRequest, pageInMemory, type KeysetPosition } from './pagination';

const position = (row: { at: string; id: string }): KeysetPosition => row;

describe('the one page shape', () => {
  it('limits pages to 1..200 items (50 by default) and accepts only canonical decimal from a query string', () => {
    const problems = (query: Record<string, unknown>) => validateSync(plainToInstance(PageQuery, query), { forbidUnknownValues: true }).map((e) => e.property);
    expect(problems({})).toEqual([]);
    expect(problems({ limit: '1' })).toEqual([]);
    expect(problems({ limit: 200 })).toEqual([]);
    for (const bad of [0, 201, '0', '201', '1e2', ' 5', '05', '-1', 1.5, '']) expect([bad, problems({ limit: bad })]).toEqual([bad, ['limit']]);
    expect(problems({ cursor: 'x'.repeat(PageLimits.cursorLength + 1) })).toEqual(['cursor']);
    expect(problems({ cursor: 7 })).toEqual(['cursor']);
    expect(PageRequest.of('list', {}, {}).limit).toBe(50);
  });

  it('binds a cursor to its list and its filters, and refuses anything it did not make', () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ at: `2030-01-01T00:00:0${i}.000Z`, id: `id-${i}` }));
    const first = pageInMemory(rows, position, PageRequest.of('list', { limit: 2 }, { status: 'open', other: undefined }));
    expect(first.nextCursor).toEqual(expect.any(String));
    // Filter order and absent filters do not matter; their values and the list do.
    expect(PageRequest.of('list', { cursor: first.nextCursor! }, { status: 'open' }).after).toEqual({ at: rows[3]!.at, id: 'id-3' });
    for (const [list, filters] of [['list', { status: 'closed' }], ['list', {}], ['other', { status: 'open' }]] as const) {
      expect(() => PageRequest.of(list, { cursor: first.nextCursor! }, filters)).toThrow(expect.objectContaining({ code: 'PAGINATION.CURSOR_INVALID' }) as Error);
    }
    const forged = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    const binding = (JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString()) as { f: string }).f;
    for (const bad of ['', '!', 'e30', forged([]), forged({ v: 2, f: binding, at: rows[0]!.at, id: 'x' }), forged({ v: 1, f: binding, at: 'soon', id: 'x' }), forged({ v: 1, f: binding, at: rows[0]!.at, id: { $ne: 1 } }), forged({ v: 1, f: binding, at: rows[0]!.at, id: '' })]) {
      expect(() => PageRequest.of('list', { cursor: bad }, { status: 'open' })).toThrow(expect.objectContaining({ code: 'PAGINATION.CURSOR_INVALID' }) as Error);
    }
  });

  it('pages a list in memory newest first by (time, id): every row once, ties broken by id, rows added meanwhile on no later page', () => {
    const rows = Array.from({ length: 9 }, (_, i) => ({ at: `2030-01-01T00:00:0${Math.floor(i / 3)}.000Z`, id: `id-${i}` }));
    const expected = [...rows].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
    const seen: string[] = [];
    let cursor: string | undefined;
    let table = rows;
    do {
      const page = pageInMemory(table, position, PageRequest.of('list', { limit: 2, ...(cursor !== undefined ? { cursor } : {}) }, {}));
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
      table = [...table, { at: '2031-01-01T00:00:00.000Z', id: `late-${seen.length}` }];
    } while (cursor !== undefined);
    expect(seen).toEqual(expected.map((r) => r.id));
  });
});
