// A list the API answers in keyset pages ({ items, nextCursor, total }): the first page, then "Show
// more" appends the next one. Errors are kept for the page to show.
import { ref, type Ref } from 'vue';
import { asApiError, type ApiError } from '../api/errors';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

export interface PagedList<T> {
  items: Ref<T[]>;
  total: Ref<number>;
  more: Ref<boolean>;
  loading: Ref<boolean>;
  error: Ref<ApiError | undefined>;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
}

export function pagedList<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): PagedList<T> {
  const items = ref<T[]>([]) as Ref<T[]>;
  const total = ref(0);
  const loading = ref(false);
  const error = ref<ApiError>();
  const more = ref(false);
  let cursor: string | null = null;

  async function fetchInto(from: string | undefined, append: boolean): Promise<void> {
    loading.value = true;
    error.value = undefined;
    try {
      const page = await fetchPage(from);
      items.value = append ? [...items.value, ...page.items] : page.items;
      total.value = page.total;
      cursor = page.nextCursor;
      more.value = cursor !== null;
    } catch (e) {
      error.value = asApiError(e);
    } finally {
      loading.value = false;
    }
  }

  return {
    items,
    total,
    more,
    loading,
    error,
    reload: () => fetchInto(undefined, false),
    loadMore: () => (cursor === null ? Promise.resolve() : fetchInto(cursor, true)),
  };
}
