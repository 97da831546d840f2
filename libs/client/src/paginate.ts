// Every list of the API answers one envelope, `{ items, nextCursor, total }`, and takes `limit` and
// `cursor`; paginate() walks it to the end as an async iterator, one page at a time.
import { ok, type ApiResult } from './result';

/** One page of a list. */
export interface ListPage<T> {
  items: T[];
  /** The cursor of the next page; null on the last one. */
  nextCursor: string | null;
  /** How many items the whole list holds, where the API counts it. */
  total?: number;
}

/**
 * Every item of a list, fetching pages as they are needed:
 * `for await (const a of paginate((cursor) => phdmf.api.GET('/api/v1/analyses', { params: { query: { cursor, limit: 100 } } })))`.
 * `page` answers an openapi-fetch result (a refusal throws its PhdmfApiError) or the page itself.
 */
export async function* paginate<T>(page: (cursor: string | undefined) => Promise<ApiResult<ListPage<T>> | ListPage<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (;;) {
    const answer = await page(cursor);
    const current = 'response' in answer ? await ok(answer) : answer;
    yield* current.items;
    if (current.nextCursor === null || current.nextCursor === undefined || current.nextCursor === '') return;
    if (current.nextCursor === cursor) throw new Error(`paginate: the API answered the same cursor twice (${cursor})`);
    cursor = current.nextCursor;
  }
}
