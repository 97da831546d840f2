import { DuckDBInstance } from '@duckdb/node-api';
import type { ColumnGrid } from '../grid';
import { seededRandom } from './random';
import { dpAggregatesFromRow, dpAggregateSql } from './site-sql';
import { dpLattice, dpSufficientStatistics } from './site-summary';
import { syntheticReadings } from './testing';

async function inDuckDb(values: readonly (number | null)[], grid: ColumnGrid): Promise<unknown[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run('CREATE TABLE t (c0 DOUBLE)');
    const appender = await connection.createAppender('t');
    for (const v of values) {
      if (v === null) appender.appendNull();
      else appender.appendDouble(v);
      appender.endRow();
    }
    appender.closeSync();
    const reader = await connection.runAndReadAll(`SELECT ${dpAggregateSql('c0', grid).join(', ')} FROM t`);
    return reader.getRows()[0] ?? [];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('dp aggregates in DuckDB SQL', () => {
  const grid: ColumnGrid = { lower: 80, upper: 200, binWidth: 5 };
  const r = 5 / 1024;

  it('equal the JavaScript aggregates on edges, lattice ties, outliers and missing values', async () => {
    const l = dpLattice(grid);
    const tricky = [
      ...l.edges,
      ...l.edges.map((e) => e - 1e-9),
      140 + r / 2,
      140 - r / 2,
      140 + 1.5 * r,
      140 - 2.5 * r,
      199.99999,
      80.00001,
      -1e9,
      1e9,
      null,
      null,
      140,
    ];
    expect(dpAggregatesFromRow(await inDuckDb(tricky, grid), grid)).toEqual(dpSufficientStatistics(tricky, grid));
  });

  it('equal them on 20,000 synthetic readings, and on an odd grid', async () => {
    const values = syntheticReadings(seededRandom(3), 20_000, 135, 25, 40, 260);
    expect(dpAggregatesFromRow(await inDuckDb(values, grid), grid)).toEqual(dpSufficientStatistics(values, grid));
    const odd: ColumnGrid = { lower: 0.1, upper: 1, binWidth: 0.3 };
    const small = syntheticReadings(seededRandom(4), 2000, 0.55, 0.3, -1, 2).map((v) => v / 7);
    expect(dpAggregatesFromRow(await inDuckDb(small, odd), odd)).toEqual(dpSufficientStatistics(small, odd));
  });

  it('gives zeros on an empty column and refuses a row of the wrong length', async () => {
    const stats = dpAggregatesFromRow(await inDuckDb([null], grid), grid);
    expect(stats).toMatchObject({ count: 0, missing: 1, sum: 0n, sumSquares: 0n });
    expect(() => dpAggregatesFromRow([1, 0, '0', '0'], grid)).toThrow(RangeError);
  });
});
