// Loads the native CSV reader (`src/csv_reader.cc`, built by node-gyp when `npm install` runs this
// workspace's install script). Loading may fail (no compiler at install time, another platform's
// build): the caller gets the error, not a throw, and decides (the storage node falls back to its
// JavaScript reader and logs a warning).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Data rows so far and, per column, what its non-missing values allow (1/0) and their range. */
export interface NativeColumnEvidence {
  rows: number;
  seen: Uint8Array;
  numeric: Uint8Array;
  integer: Uint8Array;
  date: Uint8Array;
  min: Float64Array;
  max: Float64Array;
}

/** One file's reader. push/finish return false once the file is refused (then see problem()). */
export interface NativeCsvReader {
  push(bytes: Uint8Array): boolean;
  finish(): boolean;
  /** The header's names once its line ended. */
  header(): string[] | undefined;
  evidence(): NativeColumnEvidence;
  problem(): { line: number; problem: string } | undefined;
}

export interface CsvNative {
  CsvReader: new (maxColumns: number, maxNameLength: number) => NativeCsvReader;
  /** How many bytes of a long field the reader keeps (FIELD_KEEP_BYTES). */
  fieldKeepBytes: number;
}

let loaded: CsvNative | Error | undefined;

/** The addon, or why it could not be loaded (tried once per thread). */
export function loadCsvNative(): CsvNative | Error {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
      loaded = nodeGypBuild(packageRoot()) as CsvNative;
    } catch (error) {
      loaded = error instanceof Error ? error : new Error(String(error));
    }
  }
  return loaded;
}

/** The package's folder (its build/ is there), from the TypeScript sources or from dist/libs/csv-native/src. */
function packageRoot(): string {
  const candidates = [join(__dirname, '..'), join(__dirname, '..', '..', '..', '..', 'libs', 'csv-native')];
  return candidates.find((dir) => existsSync(join(dir, 'binding.gyp'))) ?? (candidates[0] as string);
}
