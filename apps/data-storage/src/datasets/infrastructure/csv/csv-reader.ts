// One CSV file's reader, from bytes to the schema, with two back ends that give the same answers:
// the native one (`@phdmf/csv-native`: the tokenizer and the per-value rules in C++, ~0.15 s of
// CPU per 200 MiB) and the JavaScript one (`CsvTokenizer` + `TableInference`, ~0.9 s). The header's
// rules and the column types are the domain's in both (`checkHeader`, `schemaOf` in csv-schema.ts).
//
// If the addon did not build or load, the node still starts and reads CSV in JavaScript: same
// answers, slower uploads; `NodeStartup` logs a warning saying so. Refusing to start would take a
// site's data offline for a speed problem.
//
// No Nest imports: this also runs in the inspection's worker thread.
import { loadCsvNative, type NativeCsvReader } from '@phdmf/csv-native';
import {
  CsvProblem,
  DEFAULT_MAX_COLUMN_NAME_LENGTH,
  DEFAULT_MAX_COLUMNS,
  TableInference,
  checkHeader,
  schemaOf,
  type CsvLimits,
  type CsvSchema,
} from '../../domain/csv-schema';
import { CsvTokenizer } from './csv-tokenizer';

export type CsvReaderKind = 'native' | 'javascript';

/** push() the file's bytes, then finish(); either throws a CsvProblem naming the line. */
export interface CsvReader {
  /** The chunk is not kept: its memory may be reused once this returns. */
  push(chunk: Uint8Array): void;
  finish(): CsvSchema;
}

/** Which back end this process reads CSV with, and why not the native one if so. */
export function csvReaderBackEnd(): { kind: 'native' } | { kind: 'javascript'; reason: Error } {
  const native = loadCsvNative();
  return native instanceof Error ? { kind: 'javascript', reason: native } : { kind: 'native' };
}

export function createCsvReader(limits: CsvLimits = {}, kind: CsvReaderKind = csvReaderBackEnd().kind): CsvReader {
  return kind === 'native' ? new NativeReader(limits) : new JavaScriptReader(limits);
}

class JavaScriptReader implements CsvReader {
  private readonly inference: TableInference;
  private readonly tokenizer: CsvTokenizer;

  constructor(limits: CsvLimits) {
    this.inference = new TableInference(limits);
    this.tokenizer = new CsvTokenizer(this.inference);
  }

  push(chunk: Uint8Array): void {
    this.tokenizer.push(chunk);
  }

  finish(): CsvSchema {
    this.tokenizer.finish();
    return this.inference.finish();
  }
}

/**
 * The addon reads on past the header's end; the header is checked here as soon as the addon has it,
 * before any problem it found further on is reported, so that the first problem in the file wins as
 * in the JavaScript reader.
 */
class NativeReader implements CsvReader {
  private readonly reader: NativeCsvReader;
  private readonly maxNameLength: number;
  private header: string[] | undefined;
  private refusal: CsvProblem | undefined;

  constructor(limits: CsvLimits) {
    const native = loadCsvNative();
    if (native instanceof Error) throw native;
    this.maxNameLength = limits.maxColumnNameLength ?? DEFAULT_MAX_COLUMN_NAME_LENGTH;
    this.reader = new native.CsvReader(limits.maxColumns ?? DEFAULT_MAX_COLUMNS, this.maxNameLength);
  }

  push(chunk: Uint8Array): void {
    this.settle(this.refusal === undefined && this.reader.push(chunk));
  }

  finish(): CsvSchema {
    this.settle(this.refusal === undefined && this.reader.finish());
    return schemaOf(this.header, this.reader.evidence());
  }

  private settle(accepted: boolean): void {
    if (this.refusal === undefined) {
      try {
        if (this.header === undefined) {
          const names = this.reader.header();
          if (names !== undefined) this.header = checkHeader(names, this.maxNameLength);
        }
        const problem = accepted ? undefined : this.reader.problem();
        if (problem !== undefined) throw new CsvProblem(problem.line, problem.problem);
      } catch (error) {
        if (error instanceof CsvProblem) this.refusal = error;
        throw error;
      }
    }
    if (this.refusal !== undefined) throw this.refusal;
  }
}
