// THE shape of every list PHDMF answers, and the one place its cursors are made and read. A list is
// a keyset: newest first by (time, id), so a page never repeats or skips an item when items are added
// (or removed) between two requests, which offset pagination does. The owning service pages in its
// own store (a keyset query, `findPage` in @phdmf/persistence, or the ledger's table); the edge only
// passes `limit` and `cursor` on.
import { createHash } from 'node:crypto';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { IsIsoTime } from '../ledger/lib/validation';
import { PhdmfError } from './errors';
import { OptionalField } from './optional';

/** Codes of list queries. */
export const PaginationErrorCode = {
  /** The cursor is not one this list gave, or was given for other filters (400). */
  CURSOR_INVALID: 'PAGINATION.CURSOR_INVALID',
} as const;

/** How many items a page holds: `limit` is 1..max, `default` without one. */
export const PageLimits = { min: 1, max: 200, default: 50, cursorLength: 512 } as const;

const CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * A query-string integer: canonical decimal only (`0`, `42`), converted to a number; anything else
 * (` 1`, `0x3`, `1e1`, `+2`, `3.0`, `007`, the empty string) stays a string for `@IsInt()` to refuse.
 * `Number()` would accept them all, and `Number(' ')` is 0. A number (a NATS payload) passes as it is.
 */
export function CanonicalInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && CANONICAL_DECIMAL.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value));
}

/**
 * `limit` and `cursor` of every list query. Payload classes of list queries extend it (and the edge's
 * query classes too), so the rule and its documentation are written once.
 */
export class PageQuery {
  @ApiProperty({ type: 'integer', minimum: PageLimits.min, maximum: PageLimits.max, default: PageLimits.default, required: false, description: 'Items per page' })
  @OptionalField()
  @CanonicalInt()
  @IsInt()
  @Min(PageLimits.min)
  @Max(PageLimits.max)
  limit?: number;

  @ApiProperty({
    type: 'string',
    maxLength: PageLimits.cursorLength,
    required: false,
    description: 'Opaque: the `nextCursor` of the previous page, with the same filters (another list\'s or other filters\' cursor is 400 PAGINATION.CURSOR_INVALID)',
  })
  @OptionalField()
  @IsString()
  @MaxLength(PageLimits.cursorLength)
  cursor?: string;
}

/** A list query that also filters on its items' time: `from` inclusive, `to` exclusive. */
export class TimedPageQuery extends PageQuery {
  @ApiProperty({ required: false, description: 'Only items at or after this time (ISO-8601 with offset)' })
  @OptionalField()
  @IsIsoTime()
  from?: string;

  @ApiProperty({ required: false, description: 'Only items before this time (ISO-8601 with offset)' })
  @OptionalField()
  @IsIsoTime()
  to?: string;
}

/** One page of a list: `nextCursor` is null on the last page; `total` counts every item matching the filters. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

/**
 * The documented class of one page of a list (`Page<T>`): `items` of `item`, `nextCursor`, `total`.
 * @nestjs/swagger documents classes, not generic types, so each list gets a class of its own, named
 * `name` in the document (the edge's lists and a site's local list alike).
 */
export function PageOf<T>(item: abstract new () => T, name: string, total = 'Every item matching the filters (not only this page)') {
  class PageResponse {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty({ type: 'string', nullable: true, maxLength: PageLimits.cursorLength, description: 'Pass as `cursor` for the next page, with the same filters; null on the last page' })
    nextCursor!: string | null;
    @ApiProperty({ type: 'integer', minimum: 0, description: total }) total!: number;
  }
  Object.defineProperty(PageResponse, 'name', { value: name });
  return PageResponse;
}

/** Where a page ended: the sort time (ISO-8601) and id of its last item. */
export interface KeysetPosition {
  at: string;
  id: string | number;
}

/** A list's filters as sent (those left out are not filters); `limit` and `cursor` are not filters. */
export type ListFilters = Readonly<Record<string, string | number | boolean | undefined>>;

const CURSOR_VERSION = 1;
const CURSOR_SHAPE = /^[A-Za-z0-9_-]+$/;

function invalid(): PhdmfError {
  // One answer for every way a cursor can be wrong: it is opaque, so the reason would not help.
  return new PhdmfError(PaginationErrorCode.CURSOR_INVALID, 'The cursor is not one this list gave for these filters; start again without it');
}

/**
 * The cursor's binding: a digest of the list's name and its filters, in a canonical order. A cursor
 * carries it, so a cursor used with other filters (or on another list) is refused instead of
 * starting a page at a position that means nothing there.
 */
function bindingOf(list: string, filters: ListFilters): string {
  const entries = Object.entries(filters)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([list, entries])).digest('base64url').slice(0, 16);
}

function isPosition(at: unknown, id: unknown): boolean {
  return (
    typeof at === 'string' &&
    at.length <= 40 &&
    !Number.isNaN(Date.parse(at)) &&
    ((typeof id === 'string' && id.length >= 1 && id.length <= 256) || (typeof id === 'number' && Number.isSafeInteger(id)))
  );
}

/**
 * One request for a page of a list: its limit and, after the first page, the position it continues
 * from. The cursor is base64url of `{ v, f, at, id }` — not secret (it names an item the caller was
 * shown) and not signed: a forged position only starts the caller's own filtered list elsewhere.
 */
export class PageRequest {
  private constructor(
    /** Items on this page. */
    readonly limit: number,
    /** The position the page continues after (exclusive); absent for the first page. */
    readonly after: KeysetPosition | undefined,
    private readonly binding: string,
  ) {}

  /** Reads `limit` and `cursor`; throws PAGINATION.CURSOR_INVALID for a cursor of another list or filters. */
  static of(list: string, query: PageQuery, filters: ListFilters): PageRequest {
    const binding = bindingOf(list, filters);
    const limit = query.limit ?? PageLimits.default;
    if (query.cursor === undefined) return new PageRequest(limit, undefined, binding);
    if (!CURSOR_SHAPE.test(query.cursor) || query.cursor.length > PageLimits.cursorLength) throw invalid();
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (typeof decoded !== 'object' || decoded === null) throw invalid();
    const { v, f, at, id } = decoded as Record<string, unknown>;
    if (v !== CURSOR_VERSION || f !== binding || !isPosition(at, id)) throw invalid();
    return new PageRequest(limit, { at: at as string, id: id as string | number }, binding);
  }

  /** The cursor of the page that continues after `position`. */
  cursorAfter(position: KeysetPosition): string {
    return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, f: this.binding, at: position.at, id: position.id })).toString('base64url');
  }

  /**
   * This page from `rows`, fetched newest first with one row more than the limit (so that whether
   * another page follows is known without a second query): the first `limit` rows and the cursor
   * after the last of them, or null when none was left over.
   */
  slice<R>(rows: readonly R[], positionOf: (row: R) => KeysetPosition): { rows: R[]; nextCursor: string | null } {
    const kept = rows.slice(0, this.limit);
    const last = kept.at(-1);
    return { rows: kept, nextCursor: rows.length > this.limit && last !== undefined ? this.cursorAfter(positionOf(last)) : null };
  }

  /** True when `position` comes after this page's start in the newest-first order: (at, id) below the cursor's. */
  admits(position: KeysetPosition): boolean {
    if (this.after === undefined) return true;
    const a = Date.parse(position.at);
    const b = Date.parse(this.after.at);
    if (a !== b) return a < b;
    return compareIds(position.id, this.after.id) < 0;
  }
}

/** The id order of the keyset (numbers numerically, strings by code unit, as the databases' binary collation). */
export function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Pages a list already in memory (the ledger's provenance table, the consortium directory read with
 * its on-chain records): sorts newest first by (at, id), counts what matches, keeps what follows the
 * cursor. Only for lists the owning service must read whole anyway; a table pages in its query.
 */
export function pageInMemory<R>(rows: readonly R[], positionOf: (row: R) => KeysetPosition, request: PageRequest): { rows: R[]; nextCursor: string | null; total: number } {
  const sorted = [...rows].sort((r, s) => {
    const a = positionOf(r);
    const b = positionOf(s);
    const byTime = Date.parse(b.at) - Date.parse(a.at);
    return byTime !== 0 ? byTime : compareIds(b.id, a.id);
  });
  const after = sorted.filter((r) => request.admits(positionOf(r)));
  return { ...request.slice(after.slice(0, request.limit + 1), positionOf), total: sorted.length };
}
