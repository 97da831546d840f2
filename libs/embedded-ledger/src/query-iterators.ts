// Iterators handed to chaincode. They follow fabric-shim: the query call returns a promise of an
// iterator with next()/close() that is at the same time async-iterable, so both the
// fabric-samples loop (`let r = await it.next(); while (!r.done) {...}`) and `for await` work.
import type { Iterators } from 'fabric-shim-api';
import type { RangeQueryRead } from './types';
import type { HistoryEntry, StateReader } from './world-state';

const PAGE_SIZE = 100;

// fabric-shim returns `{ done: true }` without a value at the end; its typings still demand one.
function doneResult<T>(): Iterators.NextResult<T> {
  return { done: true } as Iterators.NextResult<T>;
}

/**
 * Range over world state, fetched a page at a time (a better-sqlite3 cursor cannot stay open
 * across the chaincode's awaits while other simulations use the connection). When `recorder` is
 * given, every result handed out and whether the end was reached are recorded for validation.
 */
export class StateRangeIterator implements Iterators.StateQueryIterator {
  private page: { key: string; value: Buffer; blockNumber: number; txIndex: number }[] = [];
  private position = 0;
  private lastKey: string | undefined;
  private endOfData = false;
  private closed = false;

  constructor(
    private readonly state: StateReader,
    private readonly startKey: string,
    private readonly endKey: string,
    private readonly namespace: string,
    private readonly recorder: RangeQueryRead | undefined,
    private readonly assertActive: () => void,
  ) {
    this.fetch();
  }

  next(): Promise<Iterators.NextResult<Iterators.KV>> {
    try {
      this.assertActive();
      if (this.closed) {
        return Promise.resolve(doneResult());
      }
      if (this.position >= this.page.length && !this.endOfData) {
        this.fetch();
      }
      const entry = this.page[this.position];
      if (entry === undefined) {
        if (this.recorder) {
          this.recorder.itrExhausted = true;
        }
        return Promise.resolve(doneResult());
      }
      this.position++;
      this.recorder?.results.push({ key: entry.key, version: { blockNumber: entry.blockNumber, txIndex: entry.txIndex } });
      return Promise.resolve({ done: false, value: { namespace: this.namespace, key: entry.key, value: entry.value } });
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private fetch(): void {
    const rows = this.state.page(this.startKey, this.endKey, PAGE_SIZE, this.lastKey);
    this.page = rows.map((r) => ({ key: r.key, value: r.value, blockNumber: r.version.blockNumber, txIndex: r.version.txIndex }));
    this.position = 0;
    const last = rows[rows.length - 1];
    if (last !== undefined) {
      this.lastKey = last.key;
    }
    if (rows.length < PAGE_SIZE) {
      this.endOfData = true;
    }
  }
}

/** History of one key, materialised at query time (history is append-only and usually short). */
export class HistoryIterator implements Iterators.HistoryQueryIterator {
  private position = 0;
  private closed = false;

  constructor(
    private readonly entries: HistoryEntry[],
    private readonly assertActive: () => void,
  ) {}

  next(): Promise<Iterators.NextResult<Iterators.KeyModification>> {
    try {
      this.assertActive();
      const entry = this.closed ? undefined : this.entries[this.position];
      if (entry === undefined) {
        return Promise.resolve(doneResult());
      }
      this.position++;
      // Like fabric-shim, the timestamp is a plain { seconds, nanos } object here (a Long only
      // in getTxTimestamp()), although fabric-shim-api types it as Timestamp.
      const value = {
        txId: entry.txId,
        value: entry.value,
        isDelete: entry.isDelete,
        timestamp: { seconds: entry.timestamp.seconds, nanos: entry.timestamp.nanos },
      } as unknown as Iterators.KeyModification;
      return Promise.resolve({ done: false, value });
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/**
 * Wraps an iterator factory the way fabric-shim's convertToAsyncIterator does: the result is a
 * promise of the iterator that is also async-iterable and closes the iterator when a for-await
 * loop ends or breaks.
 */
export function asQueryResult<T>(
  factory: () => Iterators.CommonIterator<T>,
): Promise<Iterators.CommonIterator<T>> & AsyncIterable<T> {
  let promise: Promise<Iterators.CommonIterator<T>>;
  try {
    promise = Promise.resolve(factory());
  } catch (err) {
    promise = Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]: (): AsyncIterator<T> => ({
      next: async (): Promise<IteratorResult<T>> => {
        const iterator = await promise;
        const result = await iterator.next();
        if (result.done) {
          await iterator.close();
          return { done: true, value: undefined };
        }
        return { done: false, value: result.value };
      },
      return: async (): Promise<IteratorResult<T>> => {
        const iterator = await promise;
        await iterator.close();
        return { done: true, value: undefined };
      },
    }),
  };
  return Object.assign(promise, iterable);
}
