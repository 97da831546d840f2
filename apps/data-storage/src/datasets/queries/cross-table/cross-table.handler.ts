import { Injectable } from '@nestjs/common';
import type { StorageModel } from '@phdmf/contracts';
import type { ActorHeader } from '@phdmf/messaging';
import { columnType, crossTableFromRows, crossTableSql, parseStratum, suppressCrossTable } from '@phdmf/modelling';
import { ModelSite } from '../../application/model-site';
import { countSubset, gridsOf, parseSubset } from '../../application/subsets';

/**
 * A contingency table of one or two strata (issue 16), as it arrived on the node's model subject.
 *
 * A site's contingency table: the strata and the subset checked against the schema, the grant over
 * every column they read (statistic `table`), the subset's rules, then the counts per cell from
 * DuckDB with small cells suppressed by libs/modelling's suppressCrossTable (every row, column and
 * the whole table protected against subtraction), signed.
 */
@Injectable()
export class CrossTableHandler {
  constructor(private readonly site: ModelSite) {}

  async execute(head: StorageModel.ModelRequestHead, operation: StorageModel.TableOperation, actor: ActorHeader | undefined): Promise<StorageModel.Result<StorageModel.TableBody>> {
    const started = performance.now();
    const inTime = this.site.notLate('the table was computed');
    const { dataset, named } = await this.site.dataset(head, actor);
    const subset = parseSubset(operation.filter, named);
    columnType(named, operation.rows.column, '$.rows.column');
    if (operation.columns !== undefined) columnType(named, operation.columns.column, '$.columns.column');
    const read = [operation.rows.column, ...(operation.columns === undefined ? [] : [operation.columns.column]), ...(subset?.columns ?? [])];
    const admitted = await this.site.admit(dataset, named, head, 'table', read);
    const grids = gridsOf(admitted.onChain);
    const rows = parseStratum(operation.rows, named, grids);
    const columns = operation.columns === undefined ? undefined : parseStratum(operation.columns, named, grids);

    const { counts, table } = await this.site.gate.computeChecked(admitted, async () => {
      const counted = await countSubset((q) => this.site.run(q), admitted.from, subset, this.site.threshold, this.site.settings.nodeId);
      return { counts: counted, table: crossTableFromRows(await this.site.run(crossTableSql(named, admitted.from, rows, columns, subset?.condition))) };
    }, inTime);
    const body: StorageModel.TableBody = {
      ...this.site.head('table', head, admitted, admitted.grant.requestId, counts),
      table: suppressCrossTable(table, this.site.threshold),
    };
    return this.site.sign(body, started);
  }
}
