// Streaming CSV validation and type inference, over bytes, in one pass, in constant memory.
//
// Why not let DuckDB sniff the file? Its sniffer looks at a sample, so a file can be accepted at
// upload and fail (or be typed differently) at row five million when a summary reads it; and its
// errors do not say which physical line broke the rules. This pass sees every byte while the
// upload streams in, refuses on the first problem with the line number, and decides each column's
// type from all of its values. Summaries then read the file with these types, fixed, and DuckDB
// never guesses. The dialect is deliberately strict RFC 4180: comma, double quotes, LF or CRLF.
import { isUtf8 } from 'node:buffer';
import type { ColumnGrid } from '@phdmf/statistics';
import { CsvInvalidError } from './storage-errors';

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

export interface CsvInspectorOptions {
  maxColumns?: number;
  maxColumnNameLength?: number;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterCr,
}

// Fields longer than this cannot be numbers or dates; only their first bytes are kept.
const FIELD_PEEK = 48;

/** Feeds chunks with push(), then finish(); either throws CsvInvalidError naming the line. */
export class CsvInspector {
  private readonly maxColumns: number;
  private readonly maxNameLength: number;

  private state = State.FieldStart;
  private line = 1;
  private recordLine = 1;
  private quoteOpenedOnLine = 1;
  private fieldIndex = 0;
  private rows = 0;
  private header: string[] | undefined;
  private headerBytes: number[] = [];
  private headerFields: string[] = [];
  private readonly peek = Buffer.alloc(FIELD_PEEK);
  private peekLength = 0;
  private fieldLength = 0;
  private sawAnyByte = false;
  private bomChecked = false;
  private utf8Carry: Buffer = Buffer.alloc(0);
  private prefix: Buffer = Buffer.alloc(0);
  private crAtRecordStart = false;

  // Per column: can every non-missing value so far be read as a number / as a date?
  private numeric: boolean[] = [];
  private integer: boolean[] = [];
  private date: boolean[] = [];
  private present: number[] = [];
  private min: number[] = [];
  private max: number[] = [];

  constructor(options: CsvInspectorOptions = {}) {
    this.maxColumns = options.maxColumns ?? 1000;
    this.maxNameLength = options.maxColumnNameLength ?? 256;
  }

  push(input: Buffer): void {
    if (input.length === 0) return;
    if (!this.bomChecked) {
      // Hold the first bytes until there are enough to tell a UTF-8 byte order mark.
      this.prefix = this.prefix.length > 0 ? Buffer.concat([this.prefix, input]) : input;
      if (this.prefix.length < 3) return;
      this.takePrefix();
      return;
    }
    this.feed(input);
  }

  finish(): CsvSchema {
    if (!this.bomChecked) this.takePrefix();
    if (this.utf8Carry.length > 0) this.fail(this.line, 'the file ends inside a multi-byte UTF-8 character (binary data or truncated file?)');
    if (!this.sawAnyByte) this.fail(0, 'the file is empty');
    switch (this.state) {
      case State.Quoted:
        this.fail(this.quoteOpenedOnLine, 'a quoted field is never closed');
        break;
      case State.AfterCr:
        this.fail(this.line, 'a carriage return not followed by a line feed');
        break;
      case State.FieldStart:
        // Ends with a line break (or is a record that just started after a comma).
        if (this.fieldIndex > 0) {
          this.endField();
          this.endRecord();
        }
        break;
      default:
        this.endField();
        this.endRecord();
    }
    if (this.header === undefined) this.fail(0, 'the file is empty');
    if (this.rows === 0) this.fail(2, 'the file has a header but no data rows');
    const header = this.header;
    const columns = header.map((name, i): ColumnSchema => {
      const type = this.typeOf(i);
      return type === 'numeric' && this.integer[i] ? { name, type, integer: true } : { name, type };
    });
    const ranges = new Map(
      columns.flatMap((c, i) => {
        const min = this.min[i] ?? Infinity;
        const max = this.max[i] ?? -Infinity;
        return c.type === 'numeric' && min <= max ? [[c.name, { min, max }] as const] : [];
      }),
    );
    return { columns, rowCount: this.rows, ranges };
  }

  private takePrefix(): void {
    this.bomChecked = true;
    let first = this.prefix;
    this.prefix = Buffer.alloc(0);
    if (first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) first = first.subarray(3);
    this.feed(first);
  }

  private feed(input: Buffer): void {
    if (input.length === 0) return;
    const chunk = this.checkUtf8(input);
    if (chunk.length > 0) this.sawAnyByte = true;
    this.scan(chunk, chunk.length);
  }

  private typeOf(i: number): ColumnType {
    if ((this.present[i] ?? 0) === 0) return 'categorical';
    if (this.numeric[i]) return 'numeric';
    if (this.date[i]) return 'date';
    return 'categorical';
  }

  /** Returns the part of the chunk that is complete UTF-8; keeps an incomplete trailing sequence for later. */
  private checkUtf8(input: Buffer): Buffer {
    let chunk = this.utf8Carry.length > 0 ? Buffer.concat([this.utf8Carry, input]) : input;
    this.utf8Carry = Buffer.alloc(0);
    const cut = incompleteTail(chunk);
    if (cut > 0) {
      this.utf8Carry = Buffer.from(chunk.subarray(chunk.length - cut));
      chunk = chunk.subarray(0, chunk.length - cut);
    }
    if (!isUtf8(chunk)) {
      // Rare path: find the first bad byte so the error names its line.
      const bad = firstInvalidUtf8(chunk);
      this.scan(chunk, bad);
      this.fail(this.line, 'the file is not UTF-8 text (binary data?)');
    }
    return chunk;
  }

  private scan(buf: Buffer, end: number): void {
    let i = 0;
    while (i < end) {
      const state = this.state;
      if (state === State.FieldStart || state === State.Unquoted) {
        // Fast path: a run of ordinary bytes is taken at once (most of a file).
        let j = i;
        while (j < end && !isSpecial(buf[j] as number)) j++;
        if (j > i) {
          this.keepRun(buf, i, j);
          this.state = State.Unquoted;
          i = j;
          continue;
        }
        const b = buf[i] as number;
        i++;
        if (b === COMMA) {
          this.endField();
          this.state = State.FieldStart;
        } else if (b === LF) {
          this.line++;
          this.endFieldAndRecord(state);
          this.state = State.FieldStart;
        } else if (b === CR) {
          this.crAtRecordStart = state === State.FieldStart && this.fieldIndex === 0;
          this.state = State.AfterCr;
        } else if (b === QUOTE) {
          if (state === State.Unquoted) this.fail(this.line, `a double quote inside an unquoted field (field ${this.fieldIndex + 1})`);
          this.quoteOpenedOnLine = this.line;
          this.state = State.Quoted;
        } else {
          this.controlCharacter(b);
        }
      } else if (state === State.Quoted) {
        let j = i;
        while (j < end) {
          const b = buf[j] as number;
          if (b === QUOTE) break;
          if (b === LF) this.line++;
          else if (b < 0x20 && b !== TAB && b !== CR) {
            this.keepRun(buf, i, j);
            this.controlCharacter(b);
          }
          j++;
        }
        if (j > i) this.keepRun(buf, i, j);
        if (j < end) this.state = State.QuoteInQuoted;
        i = j + 1;
      } else if (state === State.QuoteInQuoted) {
        const b = buf[i] as number;
        i++;
        if (b === QUOTE) {
          this.keepRun(buf, i - 1, i);
          this.state = State.Quoted;
        } else if (b === COMMA) {
          this.endField();
          this.state = State.FieldStart;
        } else if (b === LF) {
          this.line++;
          this.endField();
          this.endRecord();
          this.state = State.FieldStart;
        } else if (b === CR) {
          this.crAtRecordStart = false;
          this.state = State.AfterCr;
        } else {
          this.fail(this.line, `unexpected character after a closing quote (field ${this.fieldIndex + 1})`);
        }
      } else {
        // AfterCr
        const b = buf[i] as number;
        i++;
        if (b !== LF) this.fail(this.line, 'a carriage return not followed by a line feed');
        this.line++;
        this.endFieldAndRecord(this.crAtRecordStart ? State.FieldStart : State.Unquoted);
        this.state = State.FieldStart;
      }
    }
  }

  /** Takes bytes [from, to) of the current field. */
  private keepRun(buf: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    if (this.header === undefined) {
      for (let k = from; k < to; k++) this.headerBytes.push(buf[k] as number);
      if (this.headerBytes.length > this.maxNameLength * 4) {
        this.fail(this.line, `column name ${this.fieldIndex + 1} is longer than ${this.maxNameLength} characters`);
      }
      return;
    }
    const room = FIELD_PEEK - this.peekLength;
    if (room > 0) {
      // Fields are short: a plain loop beats Buffer.copy's native call here.
      const take = Math.min(room, n);
      const peek = this.peek;
      let at = this.peekLength;
      for (let k = from; k < from + take; k++) peek[at++] = buf[k] as number;
      this.peekLength = at;
    }
    this.fieldLength += n;
  }

  private endFieldAndRecord(state: State): void {
    if (state === State.FieldStart && this.fieldIndex === 0) {
      this.fail(this.line - 1, this.header === undefined ? 'the header line is empty' : 'empty line');
    }
    this.endField();
    this.endRecord();
  }

  private controlCharacter(b: number): never {
    this.fail(this.line, `control character 0x${b.toString(16).padStart(2, '0')} (binary data?)`);
  }

  private endField(): void {
    const i = this.fieldIndex++;
    if (this.header === undefined) {
      const name = Buffer.from(this.headerBytes).toString('utf8');
      this.headerBytes = [];
      this.headerFields.push(name);
      if (this.headerFields.length > this.maxColumns) this.fail(this.line, `more than ${this.maxColumns} columns`);
      return;
    }
    const width = this.header.length;
    if (i >= width) {
      this.fail(this.recordLine, `expected ${width} fields (as in the header), found more`);
    }
    const len = this.fieldLength;
    this.fieldLength = 0;
    const peekLength = this.peekLength;
    this.peekLength = 0;
    if (len === 0 || (len === 2 && this.peek[0] === 0x4e && this.peek[1] === 0x41)) return; // '' or 'NA': missing
    this.present[i] = (this.present[i] ?? 0) + 1;
    if (this.numeric[i] && (len > peekLength || !isNumber(this.peek, len))) this.numeric[i] = false;
    if (this.numeric[i]) {
      const value = Number(this.peek.toString('latin1', 0, len));
      if (value < (this.min[i] ?? Infinity)) this.min[i] = value;
      if (value > (this.max[i] ?? -Infinity)) this.max[i] = value;
    }
    if (this.integer[i] && (!this.numeric[i] || !isInt64(this.peek, len))) this.integer[i] = false;
    if (this.date[i] && (len !== 10 || !isIsoDate(this.peek))) this.date[i] = false;
  }

  private endRecord(): void {
    const fields = this.fieldIndex;
    this.fieldIndex = 0;
    if (this.header === undefined) {
      this.header = this.checkHeader(this.headerFields);
      const n = this.header.length;
      this.numeric = new Array<boolean>(n).fill(true);
      this.integer = new Array<boolean>(n).fill(true);
      this.date = new Array<boolean>(n).fill(true);
      this.present = new Array<number>(n).fill(0);
      this.min = new Array<number>(n).fill(Infinity);
      this.max = new Array<number>(n).fill(-Infinity);
    } else {
      if (fields !== this.header.length) {
        this.fail(this.recordLine, `expected ${this.header.length} fields (as in the header), found ${fields}`);
      }
      this.rows++;
    }
    this.recordLine = this.line;
  }

  private checkHeader(names: string[]): string[] {
    const seen = new Set<string>();
    let dataLike = 0;
    names.forEach((name, i) => {
      if (name.trim().length === 0) this.fail(1, `column ${i + 1} has no name`);
      if (name.length > this.maxNameLength) this.fail(1, `column name ${i + 1} is longer than ${this.maxNameLength} characters`);
      // By position, not by name: no error quotes the file's content.
      if (seen.has(name)) this.fail(1, `column ${i + 1} has the same name as an earlier column`);
      seen.add(name);
      const bytes = Buffer.from(name, 'utf8');
      if (isNumber(bytes, bytes.length) || (bytes.length === 10 && isIsoDate(bytes))) dataLike++;
    });
    if (dataLike === names.length) this.fail(1, 'no header: the first line holds values, not column names');
    return [...names];
  }

  private fail(line: number, problem: string): never {
    throw new CsvInvalidError(line, problem);
  }
}

/** Number of bytes at the end of `buf` that start a UTF-8 sequence not yet complete (0-3). */
function incompleteTail(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Offset of the first ill-formed UTF-8 sequence (the slow path, run only when isUtf8 said no), in
 * one pass: re-validating every prefix with isUtf8 was quadratic, and a bad byte late in a 4 MiB
 * chunk blocked the event loop for minutes. Well-formed sequences as in Unicode's Table 3-7
 * (no overlong forms, no surrogates, nothing above U+10FFFF); a sequence cut off by the end of the
 * buffer is not ill-formed here (the caller carries it to the next chunk).
 */
export function firstInvalidUtf8(buf: Buffer): number {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return n;
      const c = buf[i + k] as number;
      // Only the second byte has a narrowed range; the rest are plain continuation bytes.
      if (k === 1 ? c < lo || c > hi : (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return n;
}

/** A byte that ends a run of ordinary field bytes: delimiter, quote, line break or a control character. */
function isSpecial(b: number): boolean {
  return b === COMMA || b === QUOTE || (b < 0x20 && b !== TAB);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** `[+-]?d{1,18}`: an integer that certainly fits a signed 64-bit BIGINT. */
function isInt64(p: Buffer, len: number): boolean {
  let i = p[0] === 0x2b || p[0] === 0x2d ? 1 : 0;
  if (len - i < 1 || len - i > 18) return false;
  for (; i < len; i++) if (!isDigit(p[i] ?? 0)) return false;
  return true;
}

/** `[+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?` — what DuckDB casts to DOUBLE. */
function isNumber(p: Buffer, len: number): boolean {
  let i = 0;
  if (p[0] === 0x2b || p[0] === 0x2d) i++;
  let digits = 0;
  while (i < len && isDigit(p[i] ?? 0)) {
    i++;
    digits++;
  }
  if (i < len && p[i] === 0x2e) {
    i++;
    while (i < len && isDigit(p[i] ?? 0)) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i < len && (p[i] === 0x65 || p[i] === 0x45)) {
    i++;
    if (i < len && (p[i] === 0x2b || p[i] === 0x2d)) i++;
    let exp = 0;
    while (i < len && isDigit(p[i] ?? 0)) {
      i++;
      exp++;
    }
    // A huge exponent overflows a double; such a column is not usable as numbers.
    if (exp === 0 || exp > 3 || !Number.isFinite(Number(p.subarray(0, len).toString('latin1')))) return false;
  }
  return i === len;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` with a real calendar day. */
function isIsoDate(p: Buffer): boolean {
  for (const k of [0, 1, 2, 3, 5, 6, 8, 9]) if (!isDigit(p[k] ?? 0)) return false;
  if (p[4] !== 0x2d || p[7] !== 0x2d) return false;
  const d = (k: number) => (p[k] ?? 0) - 0x30;
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (DAYS[month - 1] ?? 0);
}
