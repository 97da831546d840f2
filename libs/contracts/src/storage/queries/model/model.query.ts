// The federated modelling's one message to a site (issue 16): `phdmf.storage.<nodeId>.qry.model.v1`,
// carrying one operation — a contingency table, correlation moments, or a GLM session's open / step /
// close. Like a summary request it names the analysis, the dataset and the requester whose grant the
// site checks, and every answer is signed by the site's node key over its canonical body.
//
// The trees inside (a filter, a stratum, a model) are checked here for their envelope only (a plain
// JSON object of bounded size): their shape, limits and types can only be checked against the
// dataset's schema, which the site (and the aggregation service) do with libs/modelling's parsers
// (`parseFilter`, `parseStratum`, `parseGlmModel`). This library cannot import those: libs/modelling
// imports the error codes from here, and contracts depend on contracts only.
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNumber, IsObject, IsUUID, ValidateBy, ValidateNested } from 'class-validator';
import { documented, type FieldDecorator } from '../../../lib/documented';
import { OptionalField } from '../../../lib/optional';
import type { LedgerModelKind } from '../../../ledger/lib/records';
import { IsColumnList, IsLedgerId, IsLedgerText, LedgerLimits } from '../../../ledger/lib/validation';
import type { NodeSignature } from '../../lib/canonical-json';
import { perNodeContract, perNodeContracts } from '../../lib/node-subject';
import type { SummaryBody } from '../summarize/summarize.query';

/** Limits of a model request's envelope (the trees' own limits are libs/modelling's FilterLimits, GlmLimits). */
export const ModelLimits = {
  /** Canonical JSON characters of one tree (a filter, a model): far above what FilterLimits lets a filter hold. */
  treeChars: 64 * 1024,
  /** Numeric columns of one correlation matrix. */
  correlationColumns: 50,
  /** Coefficients of one GLM step (libs/modelling's GlmLimits allow 1 + 30 covariates × 49 indicators). */
  parameters: 1 + 30 * 49,
} as const;

/** The operations a site's model subject answers. */
export const MODEL_OPERATIONS = ['table', 'correlation', 'glm.open', 'glm.step', 'glm.close'] as const;
/** One of {@link MODEL_OPERATIONS}. */
export type ModelOperationKind = (typeof MODEL_OPERATIONS)[number];

/**
 * The grant statistic each operation needs (the chaincode's model kinds): the site checks that the
 * requester's grant covers it and every column the operation reads (subset and strata included).
 */
export const MODEL_OPERATION_STATISTIC: Readonly<Record<ModelOperationKind, LedgerModelKind>> = Object.freeze({
  table: 'table',
  correlation: 'correlation',
  'glm.open': 'glm',
  'glm.step': 'glm',
  'glm.close': 'glm',
});

function jsonTreeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return 'must be plain JSON';
  }
  return text.length > ModelLimits.treeChars ? `must be at most ${ModelLimits.treeChars} characters of JSON` : undefined;
}

/** A JSON object of bounded size; its contents are checked against the schema by libs/modelling's parser named in `parser`. */
export function IsModelTree(parser: string): FieldDecorator {
  return documented(
    ValidateBy({
      name: 'isModelTree',
      validator: { validate: (v: unknown) => jsonTreeProblem(v) === undefined, defaultMessage: (a) => `$property ${jsonTreeProblem(a?.value) ?? 'is invalid'}` },
    }),
    { type: 'object', additionalProperties: true, description: `Checked against the dataset's schema by libs/modelling's ${parser}` },
  );
}

/**
 * A stratum: a categorical column (its levels), or a numeric column with a declared grid (its bands).
 * Parsed against the schema and the on-chain grids by libs/modelling's `parseStratum`.
 */
export class StratumRequest {
  @IsLedgerText(LedgerLimits.columnName)
  column!: string;
}

/**
 * A subset, in libs/modelling's filter language (`{ column, op, value }` leaves, `and` / `or` / `not`
 * nodes): every number is computed over the records it selects, after nfilter.subset and the
 * complement rule. Parsed against the schema by `parseFilter`.
 */
export type FilterTree = Readonly<Record<string, unknown>>;

/** What every operation names: the analysis, the dataset, and the requester whose grant is checked. */
export class ModelRequestHead {
  /** The analysis this answer is for; echoed in the signed body so an answer cannot be replayed for another. */
  @IsLedgerId()
  analysisId!: string;

  @IsLedgerId()
  datasetId!: string;

  /** Pseudonymous id of the researcher whose grant is checked. */
  @IsLedgerId()
  requester!: string;
}

/** The base of every operation (class-transformer picks the subclass by `kind`). */
export class ModelOperation {
  @IsIn(MODEL_OPERATIONS)
  kind!: ModelOperationKind;
}

/** A one- or two-way contingency table of strata, within an optional subset. */
export class TableOperation extends ModelOperation {
  declare kind: 'table';

  @ValidateNested()
  @Type(() => StratumRequest)
  rows!: StratumRequest;

  /** Absent: a one-way table (libs/modelling's ONE_WAY_COLUMN, '', is its one column). */
  @OptionalField()
  @ValidateNested()
  @Type(() => StratumRequest)
  columns?: StratumRequest;

  @OptionalField()
  @IsModelTree('parseFilter')
  filter?: FilterTree;
}

/** Pairwise-complete moments of numeric columns, within an optional subset. */
export class CorrelationOperation extends ModelOperation {
  declare kind: 'correlation';

  @IsColumnList(2)
  @ArrayMaxSize(ModelLimits.correlationColumns)
  columns!: string[];

  @OptionalField()
  @IsModelTree('parseFilter')
  filter?: FilterTree;
}

/**
 * Opens a GLM session at the site, bound to the analysis, dataset and requester: the grant check,
 * the file's re-hash against the chain and the disclosure checks (libs/modelling's checkGlmCounts)
 * happen here, once; the steps then name the session.
 */
export class GlmOpenOperation extends ModelOperation {
  declare kind: 'glm.open';

  /**
   * libs/modelling's GlmModel: family, outcome, covariates, levels, offset, interceptOnly (the null
   * model). Typed `object` so that a GlmModel (an interface) is sent as it is.
   */
  @IsModelTree('parseGlmModel')
  model!: object;

  @OptionalField()
  @IsModelTree('parseFilter')
  filter?: FilterTree;
}

/** One IRLS iteration of an open session at β (absent on the first: the family's starting μ, as R's glm.fit). */
export class GlmStepOperation extends ModelOperation {
  declare kind: 'glm.step';

  @IsUUID('4')
  sessionId!: string;

  @OptionalField()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ModelLimits.parameters)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  beta?: number[];
}

/** Ends a session (sessions also end after their idle timeout). */
export class GlmCloseOperation extends ModelOperation {
  declare kind: 'glm.close';

  @IsUUID('4')
  sessionId!: string;
}

/** Any operation, as the wire carries it. */
export type AnyModelOperation = TableOperation | CorrelationOperation | GlmOpenOperation | GlmStepOperation | GlmCloseOperation;

/** A model request to one site: the head and one operation. */
export class Payload extends ModelRequestHead {
  @ApiProperty({ description: 'One operation, by its kind' })
  @IsObject()
  @ValidateNested()
  @Type(() => ModelOperation, {
    keepDiscriminatorProperty: true,
    discriminator: {
      property: 'kind',
      subTypes: [
        { name: 'table', value: TableOperation },
        { name: 'correlation', value: CorrelationOperation },
        { name: 'glm.open', value: GlmOpenOperation },
        { name: 'glm.step', value: GlmStepOperation },
        { name: 'glm.close', value: GlmCloseOperation },
      ],
    },
  })
  operation!: AnyModelOperation;
}

/**
 * What every signed answer says first: who computed, for which analysis, dataset version and hash,
 * requester and grant, under which policy (the summary's head, without its per-column parts).
 * `rowCount` is the dataset's records at the site; `subsetCount` those the filter selected (absent
 * without a filter) — both passed the subset rules before anything else was computed.
 */
export interface ModelBodyHead extends Omit<SummaryBody, 'columns' | 'privacy'> {
  operation: ModelOperationKind;
  subsetCount?: number;
}

/**
 * A site's contingency table as released (libs/modelling's ReleasedTable): counts per (row level,
 * column level), null where suppressed, and the margins (null where suppressed).
 */
export interface ReleasedCrossTable {
  rows: string[];
  columns: string[];
  counts: (number | null)[][];
  rowTotals: (number | null)[];
  columnTotals: (number | null)[];
}

/** One pair's moments over the records where both columns are present (libs/modelling's PairMoments). */
export interface PairMoments {
  n: number;
  meanX: number;
  meanY: number;
  sxx: number;
  syy: number;
  sxy: number;
}

export interface TableBody extends ModelBodyHead {
  operation: 'table';
  table: ReleasedCrossTable;
}

export interface CorrelationBody extends ModelBodyHead {
  operation: 'correlation';
  /** The columns as asked; pairs (i ≤ j) in row-major order (libs/modelling's pairsOf). */
  columns: string[];
  pairs: PairMoments[];
}

export interface GlmOpenBody extends ModelBodyHead {
  operation: 'glm.open';
  sessionId: string;
  /** The design's columns, in R's naming ((Intercept), a numeric covariate, column+level): the order of β. */
  parameters: string[];
  /** The records of the design (complete cases within the subset). */
  n: number;
  /** The session ends after this long without a step. */
  idleSeconds: number;
  /**
   * A model without an offset: the sums its null deviance is pooled from in closed form (libs/modelling's
   * null-model.ts) — Σy over the n records and the family's term free of μ. Implied by the null model's
   * IRLS steps, which it replaces.
   */
  nullTerms?: { sumY: number; own: number };
}

export interface GlmStepBody extends ModelBodyHead {
  operation: 'glm.step';
  sessionId: string;
  /** This session's steps so far, this one included. */
  step: number;
  /** The β the step was computed at (absent for the first step): signed so an answer cannot stand for another β. */
  beta?: number[];
  n: number;
  /** Σ XᵀWX, p×p row-major. */
  xtwx: number[];
  xtwz: number[];
  deviance: number;
  /** R's family$aic terms over the site's records (binomial, poisson; gaussian: the deviance). */
  aicTerms: number;
}

export interface GlmCloseBody extends ModelBodyHead {
  operation: 'glm.close';
  sessionId: string;
  /** Steps the session answered. */
  steps: number;
}

/** The body of each operation's answer. */
export interface ModelBodies {
  table: TableBody;
  correlation: CorrelationBody;
  'glm.open': GlmOpenBody;
  'glm.step': GlmStepBody;
  'glm.close': GlmCloseBody;
}

export type ModelBody = ModelBodies[ModelOperationKind];

/** A signed answer: verify with `verifyNodeSignature(body, signature, member.nodePublicKey)`, then check `body.operation`. */
export interface Result<B extends ModelBody = ModelBody> {
  body: B;
  signature: NodeSignature;
}

/** The model query of one storage node: `phdmf.storage.<nodeId>.qry.model.v1`. */
export const contractFor = perNodeContracts<Payload, Result>((nodeId) => perNodeContract<Payload, Result>('query', nodeId, 'model', 1, Payload));
