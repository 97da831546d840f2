// Synthetic cohorts for the analysis tests, and DuckDB over their concatenation: the single
// computation the pooled result must equal.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** A deterministic generator, so a failure can be reproduced. */
function lcg(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A site's patients: `age` (about 3% missing), `bmi`, `sbp`, and `rare`, which has exactly
 * `rareValues` non-missing values (a small group, for the disclosure tests). Sites differ in
 * offset and spread, so pooling is not trivially a mean of means.
 */
export function cohortCsv(rows: number, seed: number, rareValues = 3): string {
  const rnd = lcg(seed);
  const lines = ['id,age,sex,bmi,sbp,rare'];
  for (let i = 0; i < rows; i++) {
    const age = rnd() < 0.03 ? '' : String(18 + Math.floor(rnd() * (60 + seed)));
    const bmi = (16 + seed * 0.7 + rnd() * (18 + seed)).toFixed(3);
    const sbp = (95 + seed * 3 + rnd() * 70).toFixed(1);
    lines.push(`${seed * 100_000 + i},${age},${rnd() < 0.5 ? 'F' : 'M'},${bmi},${sbp},${i < rareValues ? 40 + i : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface DirectStats {
  count: number;
  missing: number;
  sum: number;
  mean: number;
  variance: number;
  sd: number;
  min: number;
  max: number;
}

/** count, missing, sum, mean, var_samp, stddev_samp, min and max of one numeric column over the concatenated CSVs, by DuckDB. */
export async function duckdbOverConcatenation(dir: string, csvs: readonly string[], column: 'age' | 'bmi' | 'sbp'): Promise<DirectStats> {
  const file = path.join(dir, `concatenated-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
  const header = csvs[0]?.split('\n')[0] ?? '';
  writeFileSync(file, `${header}\n${csvs.map((c) => c.slice(c.indexOf('\n') + 1)).join('')}`);
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  try {
    const c = `"${column}"`;
    const row = (await conn.runAndReadAll(
      `SELECT count(${c})::DOUBLE, (count(*) - count(${c}))::DOUBLE, sum(${c}), avg(${c}), var_samp(${c}), stddev_samp(${c}), min(${c}), max(${c})
       FROM read_csv('${file}', header = true, columns = {'id': 'BIGINT', 'age': 'DOUBLE', 'sex': 'VARCHAR', 'bmi': 'DOUBLE', 'sbp': 'DOUBLE', 'rare': 'DOUBLE'})`,
    )).getRowsJson()[0] as unknown[];
    const [count, missing, sum, mean, variance, sd, min, max] = row.map(Number);
    return { count: count ?? NaN, missing: missing ?? NaN, sum: sum ?? NaN, mean: mean ?? NaN, variance: variance ?? NaN, sd: sd ?? NaN, min: min ?? NaN, max: max ?? NaN };
  } finally {
    conn.closeSync();
    duck.closeSync();
  }
}

export function relativeError(a: number | undefined, b: number): number {
  if (a === undefined) return Infinity;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
