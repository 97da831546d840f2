import type { AggregationRunModel } from '@phdmf/contracts';
import { checkModelRequest, type OnChainSchema } from './model-request';

const schema = (datasetId: string, extra: [string, 'numeric' | 'categorical'][] = []): OnChainSchema => ({
  datasetId,
  schema: { columns: ['age', 'sex', 'bmi', 'diabetes', ...extra.map(([c]) => c)], columnTypes: ['numeric', 'categorical', 'numeric', 'numeric', ...extra.map(([, t]) => t)] },
  grids: [{ column: 'age', lower: 0, upper: 100, binWidth: 10 }],
});
const two = [schema('ds-1'), schema('ds-2', [['smoker', 'categorical']])];
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
};

describe('a model request checked against the on-chain schemas', () => {
  it('knows every column it reads, the subset\'s and the strata\'s included, for the grant check', () => {
    const p: AggregationRunModel.Payload = { kind: 'table', datasets: ['ds-1', 'ds-2'], filter: { and: [{ column: 'bmi', op: '>', value: 30 }, { column: 'diabetes', op: '=', value: 1 }] }, table: { rows: { column: 'sex' }, columns: { column: 'age' } } };
    const checked = checkModelRequest(p, two);
    expect(checked.columns).toEqual(['age', 'bmi', 'diabetes', 'sex']);
    expect(checked.table?.columns).toMatchObject({ column: 'age', kind: 'bands' });
    const glm = checkModelRequest({ kind: 'glm', datasets: ['ds-1'], glm: { family: 'binomial', outcome: 'diabetes', covariates: ['age', 'sex'], levels: { sex: ['F', 'M'] } } }, [two[0]!]);
    expect(glm.columns).toEqual(['age', 'diabetes', 'sex']);
    expect(glm.glm?.levels).toEqual({ sex: ['F', 'M'] });
  });

  it('refuses a column one dataset lacks, naming that dataset, and a type that does not fit', () => {
    const missing = codeOf(() => checkModelRequest({ kind: 'correlation', datasets: ['ds-2', 'ds-1'], correlation: { columns: ['age', 'smoker'] } }, [two[1]!, two[0]!]));
    expect(missing.code).toBe('MODEL.TYPE_MISMATCH');
    const unknown = codeOf(() => checkModelRequest({ kind: 'table', datasets: ['ds-2', 'ds-1'], table: { rows: { column: 'smoker' } } }, [two[1]!, two[0]!]));
    expect(unknown).toMatchObject({ code: 'MODEL.UNKNOWN_COLUMN', details: { datasetId: 'ds-1', column: 'smoker' } });
    expect(codeOf(() => checkModelRequest({ kind: 'table', datasets: ['ds-1'], filter: { column: 'sex', op: '<', value: 'M' }, table: { rows: { column: 'sex' } } }, [two[0]!])).code).toBe('MODEL.TYPE_MISMATCH');
    expect(codeOf(() => checkModelRequest({ kind: 'table', datasets: ['ds-1'], table: { rows: { column: 'bmi' } } }, [two[0]!])).code).toBe('MODEL.TYPE_MISMATCH');
  });

  it('refuses a request whose kind and fields disagree', () => {
    expect(codeOf(() => checkModelRequest({ kind: 'glm', datasets: ['ds-1'] }, [two[0]!])).code).toBe('ANALYSIS.REQUEST_INVALID');
    expect(codeOf(() => checkModelRequest({ kind: 'table', datasets: ['ds-1'], table: { rows: { column: 'sex' } }, correlation: { columns: ['age', 'bmi'] } }, [two[0]!])).code).toBe('ANALYSIS.REQUEST_INVALID');
  });
});
