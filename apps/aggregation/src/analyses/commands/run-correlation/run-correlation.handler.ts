import { Injectable } from '@nestjs/common';
import type { ActingUser, AggregationRunModel, ModelAnalysisResult, StorageModel } from '@phdmf/contracts';
import { correlationMatrix, poolCorrelationMoments } from '@phdmf/modelling';
import { ModelAnalyses } from '../../application/model-analyses';
import { checkCorrelationAnswer } from '../../domain/site-model-check';

/**
 * Correlation and covariance matrices of numeric columns within an optional subset, pairwise
 * complete: each site releases every pair's n, means and centred sums (signed), merged exactly
 * (Chan, Golub & LeVeque), then Pearson's r with R's cor.test for each pair.
 */
@Injectable()
export class RunCorrelationHandler {
  constructor(private readonly models: ModelAnalyses) {}

  async execute(p: AggregationRunModel.Payload, actor: ActingUser | undefined): Promise<ModelAnalysisResult> {
    const run = await this.models.prepare(p, actor);
    const columns = run.request.correlation?.columns;
    if (columns === undefined) throw new Error('a checked correlation request has its columns');
    const operation = { kind: 'correlation', columns, ...(run.request.view.filter ? { filter: run.request.view.filter } : {}) } as StorageModel.CorrelationOperation;
    const bodies = await Promise.all(run.cleared.map((d) => this.models.ask(run, d, operation, (a, e) => checkCorrelationAnswer(a, e, columns))));
    const matrix = correlationMatrix(poolCorrelationMoments(bodies.map((b) => ({ columns: b.columns, pairs: b.pairs }))));
    return this.models.finish(run, {
      correlation: matrix,
      computeMillis: new Map(bodies.map((b) => [b.datasetId, b.computeMillis])),
    });
  }
}
