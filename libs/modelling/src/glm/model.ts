// What a GLM request says, checked against the dataset's schema: the family, a numeric outcome,
// covariates (numeric, or categorical with their levels listed, the first the reference), an
// optional numeric offset. The levels are part of the request so that every site builds the same
// indicator columns in the same order.
import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';
import { columnType, invalid, type DatasetSchema } from '../schema';
import { GLM_FAMILIES, type GlmFamilyName } from './family';

export interface GlmModel {
  family: GlmFamilyName;
  outcome: string;
  covariates: string[];
  /** The levels of each categorical covariate; the first is the reference (no indicator). */
  levels: Record<string, string[]>;
  offset?: string;
  /**
   * The model's null model (R's null deviance): the same records — complete in every covariate —
   * with the intercept (and offset) only.
   */
  interceptOnly?: boolean;
}

export const GlmLimits = { covariates: 30, levels: 50 } as const;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function parseGlmModel(input: unknown, schema: DatasetSchema): GlmModel {
  if (!isRecord(input)) throw invalid('$', 'A model is an object');
  const { family, outcome, covariates, levels = {}, offset, interceptOnly } = input;
  if (interceptOnly !== undefined && typeof interceptOnly !== 'boolean') throw invalid('$.interceptOnly', '"interceptOnly" is true or false');
  if (!GLM_FAMILIES.includes(family as GlmFamilyName)) throw invalid('$.family', `"family" is one of ${GLM_FAMILIES.join(', ')}`);
  if (typeof outcome !== 'string') throw invalid('$.outcome', '"outcome" names a column');
  if (!Array.isArray(covariates) || covariates.some((c) => typeof c !== 'string') || new Set(covariates).size !== covariates.length) {
    throw invalid('$.covariates', '"covariates" is an array of distinct column names');
  }
  if (covariates.length > GlmLimits.covariates) throw new PhdmfError(ModellingErrorCode.TOO_LARGE, `A model may have at most ${GlmLimits.covariates} covariates`, { path: '$.covariates' });
  if (!isRecord(levels)) throw invalid('$.levels', '"levels" maps each categorical covariate to its levels');
  const numeric = (column: string, path: string) => {
    if (columnType(schema, column, path) !== 'numeric') throw new PhdmfError(ModellingErrorCode.TYPE_MISMATCH, `"${column}" must be a numeric column`, { path, column });
  };
  numeric(outcome, '$.outcome');
  if (offset !== undefined) {
    if (typeof offset !== 'string') throw invalid('$.offset', '"offset" names a column');
    numeric(offset, '$.offset');
  }
  const checkedLevels: Record<string, string[]> = {};
  (covariates as string[]).forEach((c, i) => {
    const type = columnType(schema, c, `$.covariates[${i}]`);
    const given = levels[c];
    if (type === 'categorical') {
      if (!Array.isArray(given) || given.length < 2 || given.some((l) => typeof l !== 'string') || new Set(given).size !== given.length) {
        throw invalid(`$.levels.${c}`, `The categorical covariate "${c}" needs its levels: at least two distinct strings, the reference first`);
      }
      if (given.length > GlmLimits.levels) throw new PhdmfError(ModellingErrorCode.TOO_LARGE, `A covariate may have at most ${GlmLimits.levels} levels`, { path: `$.levels.${c}` });
      checkedLevels[c] = [...(given as string[])];
    } else if (type !== 'numeric') {
      throw new PhdmfError(ModellingErrorCode.TYPE_MISMATCH, `"${c}" is a ${type} column: a covariate is numeric or categorical`, { path: `$.covariates[${i}]`, column: c });
    } else if (given !== undefined) {
      throw invalid(`$.levels.${c}`, `"${c}" is numeric: it has no levels`);
    }
  });
  const unknown = Object.keys(levels).find((c) => !(covariates as string[]).includes(c));
  if (unknown !== undefined) throw invalid(`$.levels.${unknown}`, 'Levels are given for categorical covariates only');
  return {
    family: family as GlmFamilyName,
    outcome,
    covariates: [...(covariates as string[])],
    levels: checkedLevels,
    ...(offset === undefined ? {} : { offset }),
    ...(interceptOnly === true ? { interceptOnly } : {}),
  };
}

/** The model's parameters, in R's naming: (Intercept), a numeric covariate's name, column+level for an indicator. */
export function parameterNames(model: GlmModel): string[] {
  if (model.interceptOnly === true) return ['(Intercept)'];
  return ['(Intercept)', ...model.covariates.flatMap((c) => model.levels[c]?.slice(1).map((l) => `${c}${l}`) ?? [c])];
}

/** The columns a model reads (outcome, covariates, offset): the grant must cover each. */
export function modelColumns(model: GlmModel): string[] {
  return [...new Set([model.outcome, ...model.covariates, ...(model.offset === undefined ? [] : [model.offset])])].sort();
}
