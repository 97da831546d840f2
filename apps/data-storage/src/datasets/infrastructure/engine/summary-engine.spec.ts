import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '@phdmf/testing';
import { EngineReadError } from '../../domain/storage-errors';
import { dpSufficientStatistics } from '@phdmf/statistics';
import { SummaryEngine } from './summary-engine';

describe('SummaryEngine failures', () => {
  const dir = tempDir('phdmf-engine-');
  let engine: SummaryEngine;

  beforeAll(async () => {
    engine = await SummaryEngine.open({ threads: 1, memoryLimit: '256MB' });
  });

  afterAll(() => {
    engine.close();
    dir.remove();
  });

  async function failure(run: () => Promise<unknown>): Promise<EngineReadError> {
    const error = await run().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(EngineReadError);
    return error as EngineReadError;
  }

  it('answers a file DuckDB cannot read with a code, a fixed sentence and the line; its text only in engineText', async () => {
    // Line 4 is longer than DuckDB reads: its error quotes the line and names the file.
    const file = path.join(dir.dir, 'long-line.csv');
    writeFileSync(file, `id,name\n1,a\n2,b\n3,Jane-Roe-1957 ${'x'.repeat(2_100_000)}\n4,d\n`);
    const error = await failure(() =>
      engine.summarize({ file, format: 'csv', schema: [{ name: 'id', type: 'numeric', integer: true }, { name: 'name', type: 'categorical' }], columns: [0], moments: true, minMax: false, probabilities: [], histograms: new Map() }),
    );
    expect(error.toWire()).toEqual({ code: 'STORAGE.FILE_UNREADABLE', message: 'the stored file could not be read to compute the summary (line 4)', details: { line: 4 } });
    // What the site's log gets, and nobody else.
    expect(error.engineText).toContain('Jane-Roe-1957');
    expect(error.engineText).toContain(file);
  });

  it('refuses a Parquet file it cannot read without naming its path', async () => {
    const file = path.join(dir.dir, 'broken.parquet');
    writeFileSync(file, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100, 7), Buffer.from('PAR1')]));
    const error = await failure(() => engine.inspectParquet(file));
    expect(error.toWire()).toEqual({ code: 'STORAGE.PARQUET_INVALID', message: 'the file is not a readable Parquet file' });
    expect(error.engineText).toContain(file);
  });
});

describe('SummaryEngine dp aggregates', () => {
  const dir = tempDir('phdmf-engine-dp-');
  let engine: SummaryEngine;

  beforeAll(async () => {
    engine = await SummaryEngine.open({ threads: 1, memoryLimit: '256MB' });
  });

  afterAll(() => {
    engine.close();
    dir.remove();
  });

  it('equal what @phdmf/statistics computes from the rows: missing values out of the sums, outliers clamped, half-way values rounded away from zero, every grid cell', async () => {
    // Missing values (which DuckDB's LEAST/GREATEST would clamp to the lower bound), values beyond
    // both bounds, integer and fractional ones, and values exactly half a lattice step from a point.
    const grid = { column: 'sbp', lower: 80, upper: 220, binWidth: 20 };
    const resolution = grid.binWidth / 1024;
    const values: (number | null)[] = [];
    for (let i = 0; i < 500; i++) values.push(i % 9 === 0 ? null : i % 50 === 1 ? 300 : i % 50 === 2 ? 10 : 80 + ((i * 37) % 140) + (i % 4) * 0.25);
    values.push(150 + resolution / 2, 150 - resolution / 2, 150 + 1.5 * resolution);
    const file = path.join(dir.dir, 'dp.csv');
    writeFileSync(file, `id,sbp\n${values.map((v, i) => `${i},${v ?? ''}`).join('\n')}\n`);
    const [got] = await engine.dpAggregates({ file, format: 'csv', schema: [{ name: 'id', type: 'numeric', integer: true }, { name: 'sbp', type: 'numeric' }], columns: [{ index: 1, grid }] });
    const expected = dpSufficientStatistics(values, grid);
    expect(got).toEqual(expected);
    expect(expected.missing).toBeGreaterThan(50);
  });
});
