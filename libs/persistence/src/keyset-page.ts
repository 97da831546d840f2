import type { EntityManager, EntityName, FilterObject, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { KeysetPosition, PageRequest } from '@phdmf/contracts';

/** The two columns a list is ordered by, newest first: a time and an id that breaks its ties. */
export interface KeysetColumns<E> {
  at: keyof E & string;
  id: keyof E & string;
}

/** One page of rows, the cursor of the next one (null on the last) and how many rows match `where`. */
export interface RowPage<E> {
  rows: E[];
  nextCursor: string | null;
  total: number;
}

/**
 * A page of a table in the database itself: MikroORM's keyset pagination (`em.findByCursor`) over
 * rows matching `where`, newest first by (`at`, `id`), after the request's position, with a COUNT of
 * everything matching `where` (the filters, not the position). The ORDER BY and the comparison are the
 * database's own, so both sides of the keyset use the same collation. MikroORM's own cursor string is
 * not used: ours (@phdmf/contracts `PageRequest`) is bound to the list and its filters.
 */
export async function findPage<E extends object>(
  em: EntityManager,
  entity: EntityName<E>,
  where: FilterQuery<E>,
  keys: KeysetColumns<E>,
  page: PageRequest,
): Promise<RowPage<E>> {
  const after = page.after === undefined ? undefined : ({ [keys.at]: new Date(page.after.at), [keys.id]: page.after.id } as unknown as FilterObject<E>);
  const found = await em.findByCursor(entity, where, {
    first: page.limit,
    ...(after !== undefined ? { after } : {}),
    orderBy: { [keys.at]: 'desc', [keys.id]: 'desc' } as QueryOrderMap<E>,
    includeCount: true,
  });
  const rows = found.items;
  const positionOf = (row: E): KeysetPosition => {
    const at = row[keys.at] as unknown;
    const id = row[keys.id] as unknown;
    return { at: at instanceof Date ? at.toISOString() : String(at), id: typeof id === 'number' ? id : String(id) };
  };
  const last = rows.at(-1);
  return { rows, nextCursor: found.hasNextPage && last !== undefined ? page.cursorAfter(positionOf(last)) : null, total: found.totalCount };
}

/** The filter of a list's time range on `column`: `from` inclusive, `to` exclusive; nothing when neither is given. */
export function withinTime<E>(column: keyof E & string, range: { from?: string | undefined; to?: string | undefined }): FilterObject<E> {
  const bounds: Record<string, Date> = {};
  if (range.from !== undefined) bounds.$gte = new Date(range.from);
  if (range.to !== undefined) bounds.$lt = new Date(range.to);
  return (Object.keys(bounds).length === 0 ? {} : { [column]: bounds }) as FilterObject<E>;
}
