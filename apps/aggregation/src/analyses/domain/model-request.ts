// A model request checked before anything is asked of a ledger grant or a site: the field its kind
// names is there (and no other kind's), and the filter, strata, columns and model fit every
// dataset's schema as the chain records it (libs/modelling's parsers: MODEL.* with the JSON path,
// the column and the dataset). What it reads is known from here on: every column the grant must cover.
import { AggregationErrorCode, LEDGER_MODEL_KINDS, PhdmfError, type AggregationRunModel, type LedgerColumnGrid, type ModelRequestView } from '@phdmf/contracts';
import { columnType, filterColumns, modelColumns, parseFilter, parseGlmModel, parseStratum, type DatasetSchema, type Filter, type GlmModel, type Stratum } from '@phdmf/modelling';
import { ModellingErrorCode } from '@phdmf/contracts';
import type { ColumnGrid } from '@phdmf/statistics';

/** One dataset's schema and declared grids, as the chain holds them. */
export interface OnChainSchema {
  datasetId: string;
  schema: DatasetSchema;
  grids: readonly LedgerColumnGrid[];
}

export interface CheckedModelRequest {
  view: ModelRequestView;
  /** Every column read (the subset's included), sorted and distinct. */
  columns: string[];
  filter?: Filter;
  table?: { rows: Stratum; columns?: Stratum };
  correlation?: { columns: string[] };
  glm?: GlmModel;
}

function invalid(message: string): PhdmfError {
  return new PhdmfError(AggregationErrorCode.REQUEST_INVALID, message);
}

/** The request's view: exactly what was asked, the kind's field only. */
function viewOf(p: AggregationRunModel.Payload): ModelRequestView {
  const others = LEDGER_MODEL_KINDS.filter((k) => k !== p.kind && p[k] !== undefined);
  if (others.length > 0) throw invalid(`a ${p.kind} request carries no ${others.join(', ')}`);
  const base = { kind: p.kind, datasets: [...p.datasets], ...(p.filter ? { filter: p.filter } : {}) };
  if (p.kind === 'table') {
    if (!p.table) throw invalid('a table request names its strata in "table"');
    return { ...base, table: { rows: { column: p.table.rows.column }, ...(p.table.columns ? { columns: { column: p.table.columns.column } } : {}) } };
  }
  if (p.kind === 'correlation') {
    if (!p.correlation) throw invalid('a correlation request names its columns in "correlation"');
    return { ...base, correlation: { columns: [...p.correlation.columns] } };
  }
  if (!p.glm) throw invalid('a glm request names its model in "glm"');
  const g = p.glm;
  return { ...base, glm: { family: g.family, outcome: g.outcome, covariates: [...g.covariates], ...(g.levels ? { levels: g.levels } : {}), ...(g.offset !== undefined ? { offset: g.offset } : {}) } };
}

/** A parser's refusal, naming the dataset whose schema refused. */
function against<T>(datasetId: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof PhdmfError) throw new PhdmfError(error.code, `dataset "${datasetId}": ${error.message}`, { ...(error.details ?? {}), datasetId });
    throw error;
  }
}

/** Checks the request against every dataset's on-chain schema; the first refusal stops it. */
export function checkModelRequest(p: AggregationRunModel.Payload, schemas: readonly OnChainSchema[]): CheckedModelRequest {
  const view = viewOf(p);
  let checked: CheckedModelRequest | undefined;
  for (const { datasetId, schema, grids } of schemas) {
    const gridOf: Record<string, ColumnGrid> = Object.fromEntries(grids.map((g) => [g.column, { lower: g.lower, upper: g.upper, binWidth: g.binWidth }]));
    checked = against(datasetId, () => {
      const filter = view.filter === undefined ? undefined : parseFilter(view.filter, schema);
      const read = new Set(filter === undefined ? [] : filterColumns(filter));
      const out: CheckedModelRequest = { view, columns: [], ...(filter ? { filter } : {}) };
      if (view.table) {
        const rows = parseStratum(view.table.rows, schema, gridOf);
        const columns = view.table.columns === undefined ? undefined : parseStratum(view.table.columns, schema, gridOf);
        out.table = { rows, ...(columns ? { columns } : {}) };
        read.add(rows.column);
        if (columns) read.add(columns.column);
      } else if (view.correlation) {
        view.correlation.columns.forEach((c, i) => {
          if (columnType(schema, c, `$.correlation.columns[${i}]`) !== 'numeric') {
            throw new PhdmfError(ModellingErrorCode.TYPE_MISMATCH, `"${c}" is not a numeric column`, { path: `$.correlation.columns[${i}]`, column: c });
          }
          read.add(c);
        });
        out.correlation = { columns: [...view.correlation.columns] };
      } else if (view.glm) {
        const model = parseGlmModel(view.glm, schema);
        out.glm = model;
        for (const c of modelColumns(model)) read.add(c);
      }
      out.columns = [...read].sort();
      return out;
    });
  }
  if (checked === undefined) throw invalid('a model needs at least one dataset');
  return checked;
}

/**
 * A summary analysis' subset and stratum (issue 16), checked against every dataset's on-chain schema
 * as a model's are: the columns they read, sorted, which the grants must cover besides the columns
 * summarized. None without either.
 */
export function subsetColumns(view: { filter?: Record<string, unknown>; stratum?: { column: string } }, schemas: readonly OnChainSchema[]): string[] {
  const read = new Set<string>();
  for (const { datasetId, schema, grids } of schemas) {
    const gridOf: Record<string, ColumnGrid> = Object.fromEntries(grids.map((g) => [g.column, { lower: g.lower, upper: g.upper, binWidth: g.binWidth }]));
    against(datasetId, () => {
      if (view.filter !== undefined) for (const c of filterColumns(parseFilter(view.filter, schema))) read.add(c);
      if (view.stratum !== undefined) read.add(parseStratum(view.stratum, schema, gridOf).column);
    });
  }
  return [...read].sort();
}
