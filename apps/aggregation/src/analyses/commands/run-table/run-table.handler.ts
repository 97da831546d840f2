import { Injectable } from '@nestjs/common';
import type { ActingUser, AggregationRunModel, ModelAnalysisResult, StorageModel } from '@phdmf/contracts';
import { ModelAnalyses } from '../../application/model-analyses';
import { poolTables } from '../../domain/pooled-table';
import { checkTableAnswer } from '../../domain/site-model-check';

/**
 * A contingency table of one or two strata within an optional subset: each site counts its records
 * per cell and withholds small cells (its table is signed), the tables are added cell by cell, and
 * Pearson's chi-square test of independence is computed on the pooled table.
 */
@Injectable()
export class RunTableHandler {
  constructor(private readonly models: ModelAnalyses) {}

  async execute(p: AggregationRunModel.Payload, actor: ActingUser | undefined): Promise<ModelAnalysisResult> {
    const run = await this.models.prepare(p, actor);
    const spec = run.request.view.table;
    if (spec === undefined) throw new Error('a checked table request has its strata');
    const operation = {
      kind: 'table',
      rows: spec.rows,
      ...(spec.columns ? { columns: spec.columns } : {}),
      ...(run.request.view.filter ? { filter: run.request.view.filter } : {}),
    } as StorageModel.TableOperation;
    const bodies = await Promise.all(run.cleared.map((d) => this.models.ask(run, d, operation, checkTableAnswer)));
    return this.models.finish(run, {
      table: poolTables(bodies.map((b) => b.table)),
      computeMillis: new Map(bodies.map((b) => [b.datasetId, b.computeMillis])),
    });
  }
}
