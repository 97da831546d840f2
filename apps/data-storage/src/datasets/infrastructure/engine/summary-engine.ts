// Summaries with DuckDB, reading the stored CSV with the schema fixed at upload (no sniffing): the
// file is read once, in parallel, in constant memory for the moments, and nothing but aggregates
// comes back into JavaScript. Column names never reach SQL: columns are bound to positional names
// c0…cN, and the only literals are numbers we produced and our own file path.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { PhdmfError, StorageErrorCode } from '@phdmf/contracts';
import type { ColumnSchema, CsvSchema } from '../../domain/csv-schema';
import { EngineReadError } from '../../domain/storage-errors';
import { MISSING_TOKENS } from '../../domain/csv-schema';
import type { FileFormat } from '../persistence/dataset.entity';
import type { RawColumnStats } from '../../domain/disclosure-policy';
import { dpAggregateSql, dpAggregatesFromRow, type ColumnGrid, type DpSufficientStatistics } from '@phdmf/statistics';
// A condition or query with positional `?` parameters, as libs/modelling's SQL builders write it.
import type { SqlCondition } from '@phdmf/modelling';

export interface EngineOptions {
  threads: number;
  memoryLimit: string;
}

/** What one summary needs computed. */
export interface SummarySpec {
  file: string;
  format: FileFormat;
  schema: ColumnSchema[];
  /** Indexes into schema of the columns asked for. */
  columns: number[];
  moments: boolean;
  minMax: boolean;
  probabilities: number[];
  /** Column index → bin edges. */
  histograms: Map<number, number[]>;
  /** Only the records meeting this condition (over {@link SummaryEngine.namedSource}'s column names, with positional parameters). */
  where?: SqlCondition;
}

/** What the dp aggregates need: the file and, per column asked, its schema index and declared grid. */
export interface DpAggregatesSpec {
  file: string;
  format: FileFormat;
  schema: ColumnSchema[];
  columns: { index: number; grid: ColumnGrid }[];
}

const DUCK_TYPE = { numeric: 'DOUBLE', date: 'DATE', categorical: 'VARCHAR' } as const;

export class SummaryEngine {
  private constructor(private readonly instance: DuckDBInstance) {}

  static async open(options: EngineOptions): Promise<SummaryEngine> {
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(options.threads),
      memory_limit: options.memoryLimit,
      // Nothing is downloaded or loaded at run time: a site's node works offline and predictably.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    return new SummaryEngine(instance);
  }

  /** The relation of a stored file, with its columns bound to c0…cN and cast to their fixed types. */
  static source(file: string, schema: ColumnSchema[], format: FileFormat = 'csv'): string {
    if (format === 'parquet') {
      const casts = schema.map((c, i) => `CAST(${sqlIdentifier(c.name)} AS ${c.integer ? 'BIGINT' : DUCK_TYPE[c.type]}) AS c${i}`).join(', ');
      return `(SELECT ${casts} FROM read_parquet(${sqlString(file)}))`;
    }
    const columns = schema.map((c, i) => `'c${i}': '${c.integer ? 'BIGINT' : DUCK_TYPE[c.type]}'`).join(', ');
    const nulls = MISSING_TOKENS.map((t) => `'${t}'`).join(', ');
    return `read_csv(${sqlString(file)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${columns}}, nullstr = [${nulls}], strict_mode = true)`;
  }

  /**
   * The relation of a stored file with its columns under their schema names (quoted), for
   * libs/modelling's SQL builders, which address columns by the schema's names (never request text).
   */
  static namedSource(file: string, schema: ColumnSchema[], format: FileFormat = 'csv'): string {
    return `(SELECT ${schema.map((c, i) => `c${i} AS ${sqlIdentifier(c.name)}`).join(', ')} FROM ${SummaryEngine.source(file, schema, format)})`;
  }

  /** A query's rows (DuckDB's values: BIGINT as bigint), failures as STORAGE.FILE_UNREADABLE with DuckDB's text for the log only. */
  async rows(query: SqlCondition): Promise<unknown[][]> {
    try {
      return await this.withConnection(async (conn) => (await conn.runAndReadAll(query.sql, [...query.params])).getRows() as unknown[][]);
    } catch (error) {
      throw engineFailure(StorageErrorCode.FILE_UNREADABLE, 'the stored file could not be read to compute the answer', error);
    }
  }

  /**
   * Keeps a query's rows as a table of the engine's in-memory database, under a name the caller
   * made (never request text): a GLM session's snapshot of its records, read by every step.
   */
  async keep(table: string, query: SqlCondition): Promise<string> {
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(table)) throw new Error(`"${table}" is not an engine table name`);
    const name = sqlIdentifier(table);
    try {
      await this.withConnection((conn) => conn.run(`CREATE TABLE ${name} AS ${query.sql}`, [...query.params]));
    } catch (error) {
      throw engineFailure(StorageErrorCode.FILE_UNREADABLE, 'the stored file could not be read to compute the answer', error);
    }
    return name;
  }

  /** Drops a table {@link keep} made (nothing when it is gone). */
  async drop(table: string): Promise<void> {
    await this.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${sqlIdentifier(table)}`));
  }

  async summarize(spec: SummarySpec): Promise<{ rowCount: number; columns: RawColumnStats[] }> {
    const selects: string[] = ['count(*)::DOUBLE'];
    const readers: ((row: unknown[], at: number) => [RawColumnStats, number])[] = [];
    for (const index of spec.columns) {
      const column = spec.schema[index];
      if (column === undefined) throw new Error(`no column ${index}`);
      const c = `c${index}`;
      const parts = [`count(${c})::DOUBLE`];
      const numeric = column.type === 'numeric';
      if (numeric && spec.moments) parts.push(`sum(${c})`, `avg(${c})`, `var_samp(${c})`);
      if (numeric && spec.minMax) parts.push(`min(${c})`, `max(${c})`);
      if (numeric && spec.probabilities.length > 0) parts.push(`quantile_cont(${c}, [${spec.probabilities.map(num).join(', ')}])`);
      const edges = numeric ? spec.histograms.get(index) : undefined;
      if (edges !== undefined) {
        const last = edges.length - 1;
        for (let b = 0; b < last; b++) {
          const upper = b === last - 1 ? `${c} <= ${num(edges[b + 1])}` : `${c} < ${num(edges[b + 1])}`;
          parts.push(`count(*) FILTER (WHERE ${c} >= ${num(edges[b])} AND ${upper})::DOUBLE`);
        }
        parts.push(`count(*) FILTER (WHERE ${c} < ${num(edges[0])})::DOUBLE`, `count(*) FILTER (WHERE ${c} > ${num(edges[last])})::DOUBLE`);
      }
      selects.push(...parts);
      readers.push((row, at) => {
        let k = at;
        const next = () => row[k++];
        const count = Number(next());
        const stats: RawColumnStats = { name: column.name, type: column.type, count, missing: 0 };
        if (numeric && spec.moments) {
          stats.sum = toNumber(next());
          stats.mean = toNumber(next());
          stats.variance = toNumber(next());
        }
        if (numeric && spec.minMax) {
          stats.min = toNumber(next());
          stats.max = toNumber(next());
        }
        if (numeric && spec.probabilities.length > 0) {
          const values = next() as (number | null)[] | null;
          stats.quantiles = spec.probabilities.map((p, j) => ({ p, value: values?.[j] ?? NaN })).filter((q) => Number.isFinite(q.value));
        }
        if (edges !== undefined) {
          const counts = edges.slice(1).map(() => Number(next()));
          stats.histogram = { edges: [...edges], counts, below: Number(next()), above: Number(next()) };
        }
        return [stats, k];
      });
    }
    // A subset: the named relation filtered, its columns bound back to c0…cN for the selects above.
    const from =
      spec.where === undefined
        ? SummaryEngine.source(spec.file, spec.schema, spec.format)
        : `(SELECT ${spec.schema.map((c, i) => `${sqlIdentifier(c.name)} AS c${i}`).join(', ')} FROM ${SummaryEngine.namedSource(spec.file, spec.schema, spec.format)} WHERE ${spec.where.sql})`;
    const sql = `SELECT ${selects.join(', ')} FROM ${from}`;
    let row: unknown[];
    try {
      row = await this.withConnection(async (conn) => {
        const reader = await conn.runAndReadAll(sql, [...(spec.where?.params ?? [])]);
        return reader.getRowsJson()[0] ?? [];
      });
    } catch (error) {
      throw engineFailure(StorageErrorCode.FILE_UNREADABLE, 'the stored file could not be read to compute the summary', error);
    }
    const rowCount = Number(row[0]);
    let at = 1;
    const columns: RawColumnStats[] = [];
    for (const read of readers) {
      const [stats, next] = read(row, at);
      stats.missing = rowCount - stats.count;
      columns.push(stats);
      at = next;
    }
    return { rowCount, columns };
  }

  /**
   * dp mode: per column the exact aggregates the noise is added to, in one scan, as
   * `@phdmf/statistics` spells them in SQL (`dpAggregateSql`: values clamped to the declared grid,
   * centred and rounded to its lattice, sums exact as HUGEINT, missing values left out, every cell of
   * the grid counted, empty ones too) and reads them back (`dpAggregatesFromRow`).
   */
  async dpAggregates(spec: DpAggregatesSpec): Promise<DpSufficientStatistics[]> {
    const perColumn = spec.columns.map(({ index, grid }) => dpAggregateSql(`c${index}::DOUBLE`, grid));
    const sql = `SELECT ${perColumn.flat().join(', ')} FROM ${SummaryEngine.source(spec.file, spec.schema, spec.format)}`;
    let row: unknown[];
    try {
      row = await this.withConnection(async (conn) => (await conn.runAndReadAll(sql)).getRowsJson()[0] ?? []);
    } catch (error) {
      throw engineFailure(StorageErrorCode.FILE_UNREADABLE, 'the stored file could not be read to compute the summary', error);
    }
    let at = 0;
    return spec.columns.map(({ grid }, i) => {
      const width = perColumn[i]?.length ?? 0;
      const values = row.slice(at, at + width);
      at += width;
      return dpAggregatesFromRow(values, grid);
    });
  }

  /**
   * Reads a Parquet file's schema and row count (from its footer: no full scan), mapping each
   * column to the node's types, and refuses a file DuckDB cannot read or a column type that
   * summaries cannot use (nested or binary data), naming the column.
   */
  async inspectParquet(file: string): Promise<CsvSchema> {
    let described: unknown[][];
    let rows: unknown[][];
    try {
      described = await this.query(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
      rows = await this.query(`SELECT count(*)::DOUBLE FROM read_parquet(${sqlString(file)})`);
    } catch (error) {
      throw engineFailure(StorageErrorCode.PARQUET_INVALID, 'the file is not a readable Parquet file', error);
    }
    const columns = described.map((row, i): ColumnSchema => {
      const name = String(row[0]);
      const type = String(row[1]).toUpperCase();
      if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/.test(type)) return { name, type: 'numeric', integer: true };
      if (/^(UBIGINT|HUGEINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/.test(type)) return { name, type: 'numeric' };
      if (/^(DATE|TIMESTAMP( WITH TIME ZONE)?|TIMESTAMP_(S|MS|NS))$/.test(type)) return { name, type: 'date' };
      if (/^(VARCHAR|BOOLEAN|UUID|ENUM\(.*\))$/.test(type)) return { name, type: 'categorical' };
      // Neither the name nor the type: a nested type spells out its field names.
      throw new PhdmfError(StorageErrorCode.PARQUET_INVALID, `column ${i + 1} has a type that summaries cannot use (nested or binary data)`, { column: i + 1 });
    });
    const rowCount = Number(rows[0]?.[0] ?? 0);
    if (columns.length === 0) throw new PhdmfError(StorageErrorCode.PARQUET_INVALID, 'the Parquet file has no columns');
    if (rowCount === 0) throw new PhdmfError(StorageErrorCode.PARQUET_INVALID, 'the Parquet file has no rows');
    return { columns, rowCount };
  }

  /** Runs arbitrary SQL (tests and the bench compare against DuckDB directly). */
  async query(sql: string): Promise<unknown[][]> {
    return this.withConnection(async (conn) => (await conn.runAndReadAll(sql)).getRowsJson() as unknown[][]);
  }

  private async withConnection<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.instance.connect();
    try {
      return await work(conn);
    } finally {
      conn.closeSync();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}

/**
 * DuckDB's error, split: a code and a fixed sentence (with the line, when DuckDB named one) for
 * whoever asked, its full text for the site's log. The line is read from DuckDB's "CSV Error on
 * Line: N" so the owner's staff can find the row; nothing else of the text is kept.
 */
function engineFailure(code: typeof StorageErrorCode.FILE_UNREADABLE | typeof StorageErrorCode.PARQUET_INVALID, sentence: string, error: unknown): EngineReadError {
  const text = error instanceof Error ? error.message : String(error);
  const line = /\bLine: (\d{1,12})\b/.exec(text)?.[1];
  return new EngineReadError(code, sentence, text, line === undefined ? undefined : Number(line));
}

function num(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) throw new Error('a finite number is required in SQL');
  // Exponent notation keeps every bit of a double and is valid DuckDB numeric literal syntax.
  return n.toExponential(17).replace('e+', 'e');
}

function toNumber(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
