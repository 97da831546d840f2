// Tests' DuckDB: an in-memory table of typed columns (numeric DOUBLE, categorical VARCHAR, date DATE),
// as a site holds a dataset, and a query with parameters against it.
import { DuckDBInstance } from '@duckdb/node-api';
import type { DatasetSchema } from '../schema';
import type { RecordValue } from '../subset/filter-sql';

const SQL_TYPE = { numeric: 'DOUBLE', categorical: 'VARCHAR', date: 'DATE' } as const;

export async function withTable<T>(schema: DatasetSchema, records: readonly Readonly<Record<string, RecordValue>>[], use: (query: (sql: string, params?: readonly (number | string)[]) => Promise<unknown[][]>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const columns = schema.columns.map((c, i) => `"${c.replace(/"/g, '""')}" ${SQL_TYPE[schema.columnTypes[i] ?? 'categorical']}`);
    await connection.run(`CREATE TABLE t (${columns.join(', ')})`);
    for (const r of records) {
      const values = schema.columns.map((c) => r[c] ?? null);
      await connection.run(`INSERT INTO t VALUES (${values.map((v, i) => (v === null ? 'NULL' : `CAST(? AS ${SQL_TYPE[schema.columnTypes[i] ?? 'categorical']})`)).join(', ')})`, values.filter((v) => v !== null));
    }
    return await use(async (sql, params = []) => (await connection.runAndReadAll(sql, [...params])).getRows());
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
