// What a CSV dataset is, as this node accepts it: a header of unique column names, rows of the
// header's width, at least one of them, and a type per column decided from every value. This is
// the domain half of the upload's inspection; the bytes → fields half (RFC 4180 structure, UTF-8,
// line numbers) is a reader: the native one (`@phdmf/csv-native`), which gathers each column's
// `ColumnEvidence` itself with the same per-value rules as `TableInference` below, or the JavaScript
// `infrastructure/csv/csv-tokenizer.ts`, which feeds a `CsvRecordSink` (`TableInference`). Either way
// the header's rules (`checkHeader`) and the types (`schemaOf`) are decided here.
//
// Summaries later read the file with these types fixed (DuckDB `read_csv` with `auto_detect = false`),
// so DuckDB never guesses; the rules below are the ones its casts accept (a number is what it casts
// to DOUBLE, a date is `YYYY-MM-DD`).
//
// This module imports nothing at run time: it also runs in the inspection's worker thread.
import type { ColumnGrid } from '@phdmf/statistics';

/** The types a column can have. */
export type ColumnType = 'numeric' | 'categorical' | 'date';

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  /** A numeric column whose values are all integers that fit 64 bits (read as BIGINT: exact sums, faster scans). */
  integer?: true;
  /** A numeric column's declared histogram grid (set at upload from the data's range; recorded on-chain). */
  grid?: ColumnGrid;
}

export interface CsvSchema {
  columns: ColumnSchema[];
  /** Data rows, the header excluded. */
  rowCount: number;
  /**
   * Each numeric column's smallest and largest value, as the inspection read them: the default
   * histogram grid comes from them without a second pass over the file (kept out of the stored schema).
   */
  ranges?: ReadonlyMap<string, { min: number; max: number }>;
}

/** Values read as missing (besides an empty field). Matches DuckDB's `nullstr` in the summary reader. */
export const MISSING_TOKENS = ['', 'NA'] as const;

/**
 * Why a file is refused, with the physical line (1-based; 0 for the file as a whole). A plain error
 * without the node's error codes, so that it can cross a thread boundary; the upload turns it into
 * `STORAGE.CSV_INVALID`. The problem is a fixed sentence with at most a number: never a value.
 */
export class CsvProblem extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(line > 0 ? `line ${line}: ${problem}` : problem);
    this.name = 'CsvProblem';
  }
}

/** What a CSV reader hands on: each field's unquoted, unescaped bytes, then the end of each record. */
export interface CsvRecordSink {
  /**
   * One field: bytes [start, end) of `bytes`. `length` is the field's whole length; it exceeds
   * end - start only for a field longer than the reader keeps (see `FIELD_KEEP_BYTES`).
   */
  field(bytes: Uint8Array, start: number, end: number, length: number): void;
  /** The current record ended; the next one starts on `nextLine`. */
  endRecord(nextLine: number): void;
}

/** How many bytes of a long field a reader must keep: enough for the longest column name (256 characters of UTF-8). */
export const FIELD_KEEP_BYTES = 1024;

export interface CsvLimits {
  maxColumns?: number;
  maxColumnNameLength?: number;
}

export const DEFAULT_MAX_COLUMNS = 1000;
export const DEFAULT_MAX_COLUMN_NAME_LENGTH = 256;

// Fields longer than this cannot be numbers or dates.
export const MAX_VALUE_BYTES = 48;

/**
 * Per column, what its values allowed so far (1 or 0): gathered value by value by `TableInference`
 * below or by the native reader (`@phdmf/csv-native`, which applies the same value rules in C++),
 * then turned into the schema by `schemaOf`.
 */
export interface ColumnEvidence {
  /** Data rows, the header excluded. */
  rows: number;
  /** A value that is not missing was seen. */
  seen: Uint8Array;
  /** Every non-missing value is a number (`numberAt`). */
  numeric: Uint8Array;
  /** … and an integer of at most 18 digits. */
  integer: Uint8Array;
  /** Every non-missing value is a date (`isIsoDate`). */
  date: Uint8Array;
  /** The numbers' smallest and largest value (±Infinity before the first). */
  min: Float64Array;
  max: Float64Array;
}

/**
 * The header's rules, once its line ended: names non-empty, at most `maxNameLength` characters,
 * unique, not all of them numbers or dates. Errors name columns by position, never by content.
 */
export function checkHeader(names: readonly string[], maxNameLength: number): string[] {
  const seen = new Set<string>();
  let dataLike = 0;
  names.forEach((name, i) => {
    if (name.trim().length === 0) fail(1, `column ${i + 1} has no name`);
    if (name.length > maxNameLength) fail(1, `column name ${i + 1} is longer than ${maxNameLength} characters`);
    if (seen.has(name)) fail(1, `column ${i + 1} has the same name as an earlier column`);
    seen.add(name);
    const bytes = Buffer.from(name, 'utf8');
    if (!Number.isNaN(numberAt(bytes, 0, bytes.length)) || (bytes.length === 10 && isIsoDate(bytes, 0))) dataLike++;
  });
  if (dataLike === names.length) fail(1, 'no header: the first line holds values, not column names');
  return [...names];
}

/**
 * The schema from a checked header and its columns' evidence, at the end of the file: `numeric` if
 * every non-missing value is a number (`integer` too if each is an int64), else `date` if every one
 * is a date, else `categorical` (also a column with no value at all).
 */
export function schemaOf(header: readonly string[] | undefined, evidence: ColumnEvidence): CsvSchema {
  if (header === undefined) fail(0, 'the file is empty');
  if (evidence.rows === 0) fail(2, 'the file has a header but no data rows');
  const typeOf = (i: number): ColumnType => {
    if (evidence.seen[i] === 0) return 'categorical';
    if (evidence.numeric[i] === 1) return 'numeric';
    if (evidence.date[i] === 1) return 'date';
    return 'categorical';
  };
  const columns = header.map((name, i): ColumnSchema => {
    const type = typeOf(i);
    return type === 'numeric' && evidence.integer[i] === 1 ? { name, type, integer: true } : { name, type };
  });
  const ranges = new Map(
    columns.flatMap((c, i) => {
      const min = evidence.min[i] as number;
      const max = evidence.max[i] as number;
      return c.type === 'numeric' && min <= max ? [[c.name, { min, max }] as const] : [];
    }),
  );
  return { columns, rowCount: evidence.rows, ranges };
}

/** Evidence for `width` columns before their first value. */
function freshEvidence(width: number): ColumnEvidence {
  return {
    rows: 0,
    seen: new Uint8Array(width),
    numeric: new Uint8Array(width).fill(1),
    integer: new Uint8Array(width).fill(1),
    date: new Uint8Array(width).fill(1),
    min: new Float64Array(width).fill(Infinity),
    max: new Float64Array(width).fill(-Infinity),
  };
}

/**
 * The header, then the evidence of every value, in constant memory. The per-value rules here
 * (missing, `numberAt`, `isIsoDate`, MAX_VALUE_BYTES) are also those of the native reader
 * (`libs/csv-native/src/csv_reader.cc`); `csv-inspection.spec.ts` holds the two to the same answers.
 */
export class TableInference implements CsvRecordSink {
  private readonly maxColumns: number;
  private readonly maxNameLength: number;
  private header: string[] | undefined;
  private readonly names: string[] = [];
  private width = 0;
  private index = 0;
  private recordLine = 1;
  private evidence = freshEvidence(0);

  constructor(limits: CsvLimits = {}) {
    this.maxColumns = limits.maxColumns ?? DEFAULT_MAX_COLUMNS;
    this.maxNameLength = limits.maxColumnNameLength ?? DEFAULT_MAX_COLUMN_NAME_LENGTH;
  }

  field(b: Uint8Array, start: number, end: number, length: number): void {
    const i = this.index++;
    if (this.header === undefined) {
      this.headerField(b, start, end, length);
      return;
    }
    if (i >= this.width) fail(this.recordLine, `expected ${this.width} fields (as in the header), found more`);
    if (length === 0 || (length === 2 && b[start] === 0x4e && b[start + 1] === 0x41)) return; // '' or 'NA': missing
    const e = this.evidence;
    e.seen[i] = 1;
    if (e.numeric[i] === 1) {
      const value = length > MAX_VALUE_BYTES ? NaN : numberAt(b, start, end);
      if (value !== value) {
        // NaN: not a number.
        e.numeric[i] = 0;
        e.integer[i] = 0;
      } else {
        if (value < (e.min[i] as number)) e.min[i] = value;
        if (value > (e.max[i] as number)) e.max[i] = value;
        if (!lastWasInt64) e.integer[i] = 0;
      }
    }
    if (e.date[i] === 1 && (length !== 10 || !isIsoDate(b, start))) e.date[i] = 0;
  }

  endRecord(nextLine: number): void {
    const fields = this.index;
    this.index = 0;
    if (this.header === undefined) {
      this.header = checkHeader(this.names, this.maxNameLength);
      this.width = this.header.length;
      this.evidence = freshEvidence(this.width);
    } else {
      if (fields !== this.width) fail(this.recordLine, `expected ${this.width} fields (as in the header), found ${fields}`);
      this.evidence.rows++;
    }
    this.recordLine = nextLine;
  }

  /** The schema, once every record was handed on. */
  finish(): CsvSchema {
    return schemaOf(this.header, this.evidence);
  }

  private headerField(b: Uint8Array, start: number, end: number, length: number): void {
    if (length > this.maxNameLength * 4) fail(this.recordLine, `column name ${this.index} is longer than ${this.maxNameLength} characters`);
    this.names.push(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8'));
    if (this.names.length > this.maxColumns) fail(this.recordLine, `more than ${this.maxColumns} columns`);
  }
}

function fail(line: number, problem: string): never {
  throw new CsvProblem(line, problem);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

// Powers of ten that are exact doubles.
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Set by numberAt: the number it read was `[+-]?d{1,18}`, an integer that certainly fits a signed 64-bit BIGINT. */
let lastWasInt64 = false;

/**
 * The value of `[+-]?(d+(.d*)?|.d+)([eE][+-]?d{1,3})?` — what DuckDB casts to DOUBLE — exactly as
 * `Number()` reads it, or NaN for anything else (and for an exponent that overflows a double: such a
 * column is not usable as numbers). Up to 15 significant digits and a power of ten up to 22, the
 * value is one correctly rounded multiplication or division of two exact doubles, the same double
 * `Number()` gives; otherwise `Number()` itself reads it. One pass, no allocation: it runs for every
 * value of every numeric column.
 */
function numberAt(p: Uint8Array, start: number, end: number): number {
  lastWasInt64 = false;
  let i = start;
  let c = p[i] as number;
  let negative = false;
  if (c === 0x2d || c === 0x2b) {
    negative = c === 0x2d;
    c = p[++i] as number;
  }
  let mantissa = 0;
  let digits = 0;
  let d = c - 0x30;
  while (i < end && d >= 0 && d <= 9) {
    mantissa = mantissa * 10 + d;
    digits++;
    d = (p[++i] as number) - 0x30;
  }
  if (i === end) {
    if (digits === 0) return NaN;
    lastWasInt64 = digits <= 18;
    if (digits <= 15) return negative ? -mantissa : mantissa;
    return slowNumber(p, start, end, false);
  }
  let fraction = 0;
  if (d === 0x2e - 0x30) {
    d = (p[++i] as number) - 0x30;
    while (i < end && d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      fraction++;
      d = (p[++i] as number) - 0x30;
    }
  }
  if (digits === 0) return NaN;
  let exponent = 0;
  let hasExponent = false;
  if (i < end && (d === 0x65 - 0x30 || d === 0x45 - 0x30)) {
    hasExponent = true;
    i++;
    let expNegative = false;
    if (i < end && (p[i] === 0x2b || p[i] === 0x2d)) {
      expNegative = p[i] === 0x2d;
      i++;
    }
    let expDigits = 0;
    while (i < end && isDigit(p[i] as number)) {
      exponent = exponent * 10 + ((p[i] as number) - 0x30);
      expDigits++;
      i++;
    }
    if (expDigits === 0 || expDigits > 3) return NaN;
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) return NaN;
  const scale = exponent - fraction;
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    const value = scale >= 0 ? mantissa * (POW10[scale] as number) : mantissa / (POW10[-scale] as number);
    return negative ? -value : value;
  }
  return slowNumber(p, start, end, hasExponent);
}

function slowNumber(p: Uint8Array, start: number, end: number, hasExponent: boolean): number {
  const value = Number(Buffer.from(p.buffer, p.byteOffset + start, end - start).toString('latin1'));
  return hasExponent && !Number.isFinite(value) ? NaN : value;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` with a real calendar day, at `at` (straight-line: it runs for every value of a date column). */
function isIsoDate(p: Uint8Array, at: number): boolean {
  if (p[at + 4] !== 0x2d || p[at + 7] !== 0x2d) return false;
  const y0 = digitAt(p, at);
  const y1 = digitAt(p, at + 1);
  const y2 = digitAt(p, at + 2);
  const y3 = digitAt(p, at + 3);
  const m0 = digitAt(p, at + 5);
  const m1 = digitAt(p, at + 6);
  const d0 = digitAt(p, at + 8);
  const d1 = digitAt(p, at + 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (DAYS[month - 1] as number);
}

/** The digit at `i`, or -1. */
function digitAt(p: Uint8Array, i: number): number {
  const d = (p[i] ?? 0) - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
}
