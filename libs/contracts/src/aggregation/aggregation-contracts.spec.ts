import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AggregationErrorCode, AggregationGetAnalysis, AggregationGetAnalysisChart, AggregationListAnalyses, AggregationRunAnalysis, AggregationRunModel } from '../index';

// Validation as the receiving edge does it: unknown fields refused.
async function problems(payloadClass: new () => object, data: object): Promise<string[]> {
  const errors = await validate(plainToInstance(payloadClass, data), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  return errors.map((e) => e.property).sort();
}

const valid = { datasets: ['ds-1', 'ds-2'], columns: ['age'], statistics: ['count', 'mean'] };

describe('aggregation contracts', () => {
  it('puts every message on a versioned subject of the aggregation service', () => {
    const all = [AggregationRunAnalysis, AggregationRunModel, AggregationGetAnalysis, AggregationListAnalyses, AggregationGetAnalysisChart];
    for (const m of all) expect(m.SUBJECT).toMatch(/^phdmf\.aggregation\.(cmd|qry)\.[a-z-]+\.v1$/);
    expect(new Set(all.map((m) => m.SUBJECT)).size).toBe(all.length);
    expect(AggregationRunAnalysis.CONTRACT.kind).toBe('command');
    expect(AggregationGetAnalysisChart.CONTRACT.kind).toBe('query');
    expect(Object.values(AggregationErrorCode).every((c) => /^[A-Z_]+\.[A-Z_]+$/.test(c))).toBe(true);
  });

  it('takes a well-formed model request of each kind, and refuses malformed ones', async () => {
    const ds = { datasets: ['ds-1', 'ds-2'] };
    expect(await problems(AggregationRunModel.Payload, { ...ds, kind: 'table', table: { rows: { column: 'sex' }, columns: { column: 'smoker' } }, filter: { column: 'age', op: '>', value: 60 } })).toEqual([]);
    expect(await problems(AggregationRunModel.Payload, { ...ds, kind: 'correlation', correlation: { columns: ['age', 'bmi', 'sbp'] } })).toEqual([]);
    expect(await problems(AggregationRunModel.Payload, { ...ds, kind: 'glm', glm: { family: 'binomial', outcome: 'diabetes', covariates: ['age', 'sex'], levels: { sex: ['F', 'M'] } } })).toEqual([]);
    expect(await problems(AggregationRunModel.Payload, { ...ds, kind: 'regression' })).toEqual(['kind']);
    expect(await problems(AggregationRunModel.Payload, { ...ds, kind: 'glm', glm: { family: 'gamma', outcome: 'y', covariates: [] } })).toEqual(['glm']);
    expect(await problems(AggregationRunModel.Payload, { ...ds, kind: 'correlation', correlation: { columns: ['age'] } })).toEqual(['correlation']);
    expect(await problems(AggregationRunModel.Payload, { ...ds, kind: 'table', filter: 'age > 60' })).toEqual(['filter']);
    // A summary analysis asks for summary statistics, never a model.
    expect(await problems(AggregationRunAnalysis.Payload, { ...valid, statistics: ['count', 'glm'] })).toEqual(['statistics']);
  });

  it('takes a well-formed analysis request, with histograms, probabilities, breakdown and partial results', async () => {
    expect(await problems(AggregationRunAnalysis.Payload, valid)).toEqual([]);
    expect(
      await problems(AggregationRunAnalysis.Payload, {
        ...valid,
        statistics: ['quantiles', 'histogram'],
        probabilities: [0.25, 0.5],
        histograms: [{ column: 'age', edges: [0, 50, 100] }],
        breakdown: true,
        allowPartial: false,
      }),
    ).toEqual([]);
  });

  it.each([
    ['no dataset', { ...valid, datasets: [] }, 'datasets'],
    ['a dataset twice', { ...valid, datasets: ['ds-1', 'ds-1'] }, 'datasets'],
    ['a malformed dataset id', { ...valid, datasets: ['ds 1'] }, 'datasets'],
    ['more datasets than an analysis can record', { ...valid, datasets: Array.from({ length: 101 }, (_, i) => `ds-${i}`) }, 'datasets'],
    ['no column', { ...valid, columns: [] }, 'columns'],
    ['an unknown statistic', { ...valid, statistics: ['median'] }, 'statistics'],
    ['a probability above 1', { ...valid, probabilities: [1.5] }, 'probabilities'],
    ['a histogram without edges', { ...valid, histograms: [{ column: 'age', edges: [1] }] }, 'histograms'],
    ['a breakdown that is not a boolean', { ...valid, breakdown: 'yes' }, 'breakdown'],
    ['an unknown field', { ...valid, requester: 'someone-else' }, 'requester'],
  ])('refuses %s', async (_what, payload, field) => {
    expect(await problems(AggregationRunAnalysis.Payload, payload)).toContain(field);
  });

  it('charts only the statistics and groupings it knows', async () => {
    expect(await problems(AggregationGetAnalysisChart.Payload, { analysisId: 'an-1', statistic: 'mean', by: 'site' })).toEqual([]);
    expect(await problems(AggregationGetAnalysisChart.Payload, { analysisId: 'an-1', statistic: 'median' })).toEqual(['statistic']);
    expect(await problems(AggregationGetAnalysisChart.Payload, { analysisId: 'an-1', statistic: 'count', by: 'hospital' })).toEqual(['by']);
  });
});
