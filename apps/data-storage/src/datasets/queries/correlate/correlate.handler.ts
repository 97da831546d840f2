import { Injectable } from '@nestjs/common';
import { ModellingErrorCode, PhdmfError, type StorageModel } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';
import { checkPairCounts, columnType, correlationFromRow, correlationSql } from '@phdmf/modelling';
import { ModelSite } from '../../application/model-site';
import { countSubset, parseSubset } from '../../application/subsets';

/**
 * Pairwise moments of numeric columns (issue 16), as they were asked on the node's model subject.
 *
 * A site's correlation moments: per pair of the numeric columns (pairwise complete) n, the means and
 * the centred sums, from DuckDB's regr_* aggregates within the subset; refused when the subset or a
 * pair covers 1..threshold−1 records (libs/modelling's checkSubset, checkPairCounts). Signed.
 */
@Injectable()
export class CorrelateHandler {
  constructor(private readonly site: ModelSite) {}

  async execute(head: StorageModel.ModelRequestHead, operation: StorageModel.CorrelationOperation, actor: ActorHeader | undefined): Promise<StorageModel.Result<StorageModel.CorrelationBody>> {
    const started = performance.now();
    const inTime = this.site.notLate('the moments were computed');
    const { dataset, named } = await this.site.dataset(head, actor);
    const subset = parseSubset(operation.filter, named);
    operation.columns.forEach((c, i) => {
      if (columnType(named, c, `$.columns[${i}]`) !== 'numeric') throw new PhdmfError(ModellingErrorCode.TYPE_MISMATCH, `"${c}" is not a numeric column`, { path: `$.columns[${i}]`, column: c });
    });
    const admitted = await this.site.admit(dataset, named, head, 'correlation', [...operation.columns, ...(subset?.columns ?? [])]);

    const { counts, moments } = await this.site.gate.computeChecked(admitted, async () => {
      const counted = await countSubset((q) => this.site.run(q), admitted.from, subset, this.site.threshold, this.site.settings.nodeId);
      const [row] = await this.site.run(correlationSql(named, admitted.from, operation.columns, subset?.condition));
      return { counts: counted, moments: correlationFromRow(operation.columns, row ?? []) };
    }, inTime);
    checkPairCounts(moments, this.site.threshold, this.site.refusalDetails);
    const body: StorageModel.CorrelationBody = {
      ...this.site.head('correlation', head, admitted, admitted.grant.requestId, counts),
      columns: moments.columns,
      pairs: moments.pairs,
    };
    return this.site.sign(body, started);
  }
}
