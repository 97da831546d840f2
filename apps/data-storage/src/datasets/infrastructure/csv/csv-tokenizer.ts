// Bytes → fields, streaming, in constant memory: strict RFC 4180 (comma, double quotes with `""`
// inside them, LF or CRLF), UTF-8 (a leading BOM is dropped), no control characters, no empty lines.
// Every refusal names the physical line. What the fields mean (header, widths, types) is the domain's:
// they go to a `CsvRecordSink` (`domain/csv-schema.ts`).
//
// Why not DuckDB's CSV reader? Measured on the 2-core machine it reads ~110–185 MiB/s with two
// threads (all columns as VARCHAR, counting only), can start only once the file is complete, and its
// errors do not always name the physical line. This tokenizer runs in a worker thread while the upload
// streams in (see `csv-inspection.ts`), so its time overlaps the hash and the disk writes.
//
// Speed: a field that lies wholly in the current chunk, unquoted (most of a file), is found by one
// table lookup per byte and handed on as a slice of the chunk, without a copy. Quoted fields, fields
// cut by a chunk boundary, and everything that refuses the file take the general path, which keeps
// the field's bytes (at most FIELD_KEEP_BYTES of them; only their length matters beyond that).
//
// Only `node:buffer` and the domain's plain module are imported: this also runs in a worker thread.
import { isUtf8 } from 'node:buffer';
import { CsvProblem, FIELD_KEEP_BYTES, type CsvRecordSink } from '../../domain/csv-schema';

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;

/** 0 for a byte that can sit inside an unquoted field, 1 for one that ends the run (delimiter, quote, line break, control character). */
const SPECIAL = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) if (b !== TAB) SPECIAL[b] = 1;
SPECIAL[COMMA] = 1;
SPECIAL[QUOTE] = 1;

const enum State {
  /** Between fields: nothing of the next field read yet. */
  FieldStart,
  /** Inside an unquoted field whose first bytes came in an earlier chunk (they are in `keep`). */
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the field's end or the first half of `""`. */
  QuoteInQuoted,
  /** A carriage return: only a line feed may follow. The field before it is in `keep`. */
  AfterCr,
}

export class CsvTokenizer {
  private state = State.FieldStart;
  private line = 1;
  private quoteOpenedOnLine = 1;
  private fieldIndex = 0;
  private records = 0;
  private crAtRecordStart = false;
  private sawAnyByte = false;
  private bomChecked = false;
  private prefix: Buffer = Buffer.alloc(0);
  private utf8Carry: Buffer = Buffer.alloc(0);
  private readonly keep = Buffer.alloc(FIELD_KEEP_BYTES);
  private keepLength = 0;

  constructor(private readonly sink: CsvRecordSink) {}

  /** The next bytes of the file. The chunk is not kept: its memory may be reused once this returns. */
  push(input: Uint8Array): void {
    if (input.length === 0) return;
    if (!this.bomChecked) {
      // Hold the first bytes (copied) until there are enough to tell a UTF-8 byte order mark.
      this.prefix = Buffer.concat([this.prefix, input]);
      if (this.prefix.length < 3) return;
      this.takePrefix();
      return;
    }
    this.feed(Buffer.from(input.buffer, input.byteOffset, input.length));
  }

  /** The end of the file: the last record (without a line break) is handed on, or the file refused. */
  finish(): void {
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
        // Ends with a line break, or with a comma (then an empty last field).
        if (this.fieldIndex > 0) {
          this.emit(this.keep, 0, 0);
          this.endRecord();
        }
        break;
      default:
        this.emitKept();
        this.endRecord();
    }
  }

  private takePrefix(): void {
    this.bomChecked = true;
    let first = this.prefix;
    this.prefix = Buffer.alloc(0);
    if (first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) first = first.subarray(3);
    if (first.length > 0) this.feed(first);
  }

  private feed(input: Buffer): void {
    let chunk = this.utf8Carry.length > 0 ? Buffer.concat([this.utf8Carry, input]) : input;
    this.utf8Carry = Buffer.alloc(0);
    const cut = incompleteTail(chunk);
    if (cut > 0) {
      this.utf8Carry = Buffer.from(chunk.subarray(chunk.length - cut));
      chunk = chunk.subarray(0, chunk.length - cut);
    }
    if (chunk.length === 0) return;
    this.sawAnyByte = true;
    if (!isUtf8(chunk)) {
      // Rare path: read up to the first bad byte, so that an earlier problem is reported first and the line is right.
      this.scan(chunk, firstInvalidUtf8(chunk));
      this.fail(this.line, 'the file is not UTF-8 text (binary data?)');
    }
    this.scan(chunk, chunk.length);
  }

  private scan(buf: Buffer, end: number): void {
    let i = 0;
    while (i < end) {
      if (this.state === State.FieldStart) {
        // The fast path: unquoted fields, each handed on as a slice of the chunk, for as long as they come.
        for (;;) {
          let j = i;
          while (j < end && SPECIAL[buf[j] as number] === 0) j++;
          if (j === end) {
            if (j > i) {
              this.keepLength = 0;
              this.append(buf, i, j);
              this.state = State.Unquoted;
            }
            return;
          }
          const b = buf[j] as number;
          if (b === COMMA) {
            this.emit(buf, i, j);
            this.fieldIndex++;
            i = j + 1;
            continue;
          }
          if (b === LF) {
            if (j === i && this.fieldIndex === 0) this.emptyLine();
            this.emit(buf, i, j);
            this.line++;
            this.endRecord();
            i = j + 1;
            continue;
          }
          if (b === CR) {
            this.crAtRecordStart = j === i && this.fieldIndex === 0;
            this.keepLength = 0;
            this.append(buf, i, j);
            this.state = State.AfterCr;
          } else if (b === QUOTE) {
            if (j > i) this.strayQuote();
            this.quoteOpenedOnLine = this.line;
            this.keepLength = 0;
            this.state = State.Quoted;
          } else {
            this.controlCharacter(b);
          }
          i = j + 1;
          break;
        }
      } else if (this.state === State.Unquoted) {
        let j = i;
        while (j < end && SPECIAL[buf[j] as number] === 0) j++;
        this.append(buf, i, j);
        if (j === end) return;
        const b = buf[j] as number;
        i = j + 1;
        if (!this.endKeptField(b)) {
          if (b === QUOTE) this.strayQuote();
          else this.controlCharacter(b);
        }
      } else if (this.state === State.Quoted) {
        let j = i;
        while (j < end) {
          const b = buf[j] as number;
          if (b === QUOTE) break;
          if (b === LF) this.line++;
          else if (b < 0x20 && b !== TAB && b !== CR) this.controlCharacter(b);
          j++;
        }
        this.append(buf, i, j);
        if (j < end) this.state = State.QuoteInQuoted;
        i = j + 1;
      } else if (this.state === State.QuoteInQuoted) {
        const b = buf[i] as number;
        i++;
        if (b === QUOTE) {
          this.append(buf, i - 1, i);
          this.state = State.Quoted;
        } else if (!this.endKeptField(b)) {
          this.fail(this.line, `unexpected character after a closing quote (field ${this.fieldIndex + 1})`);
        }
      } else {
        // AfterCr
        const b = buf[i] as number;
        i++;
        if (b !== LF) this.fail(this.line, 'a carriage return not followed by a line feed');
        if (this.crAtRecordStart) this.emptyLine();
        this.emitKept();
        this.line++;
        this.endRecord();
        this.state = State.FieldStart;
      }
    }
  }

  /** Keeps bytes [from, to) of the current field (up to FIELD_KEEP_BYTES; its length counts them all). */
  private append(buf: Buffer, from: number, to: number): void {
    const at = this.keepLength;
    const room = FIELD_KEEP_BYTES - at;
    if (room > 0 && to > from) buf.copy(this.keep, at, from, from + Math.min(room, to - from));
    this.keepLength = at + (to - from);
  }

  private emit(buf: Uint8Array, start: number, end: number): void {
    this.sink.field(buf, start, end, end - start);
  }

  /**
   * Ends a field whose bytes were kept (copied across chunks) at a comma, line feed or carriage
   * return, as an unquoted field and a closed quoted one both do; false for any other byte.
   */
  private endKeptField(b: number): boolean {
    if (b === COMMA) {
      this.emitKept();
      this.fieldIndex++;
      this.state = State.FieldStart;
    } else if (b === LF) {
      this.emitKept();
      this.line++;
      this.endRecord();
      this.state = State.FieldStart;
    } else if (b === CR) {
      this.crAtRecordStart = false;
      this.state = State.AfterCr;
    } else {
      return false;
    }
    return true;
  }

  private emitKept(): void {
    const length = this.keepLength;
    this.keepLength = 0;
    this.sink.field(this.keep, 0, Math.min(length, FIELD_KEEP_BYTES), length);
  }

  private endRecord(): void {
    this.fieldIndex = 0;
    this.records++;
    this.sink.endRecord(this.line);
  }

  private emptyLine(): never {
    this.fail(this.line, this.records === 0 ? 'the header line is empty' : 'empty line');
  }

  private strayQuote(): never {
    this.fail(this.line, `a double quote inside an unquoted field (field ${this.fieldIndex + 1})`);
  }

  private controlCharacter(b: number): never {
    this.fail(this.line, `control character 0x${b.toString(16).padStart(2, '0')} (binary data?)`);
  }

  private fail(line: number, problem: string): never {
    throw new CsvProblem(line, problem);
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
export function firstInvalidUtf8(buf: Uint8Array): number {
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
