import type { EntityManager, EntityName, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
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
 * A page of a table in the database itself (a keyset query): rows matching `where`, newest first by
 * (`at`, `id`), after the request's cursor, one more than the limit to know whether a next page
 * exists, and a COUNT of everything matching `where` (the filters, not the cursor). The ORDER BY and
 * the comparison are the database's own, so both sides of the keyset use the same collation.
 */
export async function findPage<E extends object>(
  em: EntityManager,
  entity: EntityName<E>,
  where: FilterQuery<E>,
  keys: KeysetColumns<E>,
  page: PageRequest,
): Promise<RowPage<E>> {
  const after = page.after;
  const keyset =
    after === undefined
      ? where
      : ({
          $and: [
            where,
            {
              $or: [{ [keys.at]: { $lt: new Date(after.at) } }, { [keys.at]: new Date(after.at), [keys.id]: { $lt: after.id } }],
            },
          ],
        } as FilterQuery<E>);
  const orderBy = [{ [keys.at]: 'desc' }, { [keys.id]: 'desc' }] as QueryOrderMap<E>[];
  const [rows, total] = await Promise.all([em.find(entity, keyset, { orderBy, limit: page.limit + 1 }), em.fork().count(entity, where)]);
  const positionOf = (row: E): KeysetPosition => {
    const at = row[keys.at] as unknown;
    const id = row[keys.id] as unknown;
    return { at: at instanceof Date ? at.toISOString() : String(at), id: typeof id === 'number' ? id : String(id) };
  };
  return { ...page.slice(rows, positionOf), total };
}

/** The filter of a list's time range on `column`: `from` inclusive, `to` exclusive; nothing when neither is given. */
export function withinTime<E>(column: keyof E & string, range: { from?: string | undefined; to?: string | undefined }): FilterQuery<E> {
  const bounds: Record<string, Date> = {};
  if (range.from !== undefined) bounds.$gte = new Date(range.from);
  if (range.to !== undefined) bounds.$lt = new Date(range.to);
  return (Object.keys(bounds).length === 0 ? {} : { [column]: bounds }) as FilterQuery<E>;
}
