// The disclosure rules of the modelling analyses, one function per rule. A site applies them to its
// own records before releasing any number; the threshold is the site's minimum count (its policy).
import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';

/**
 * DataSHIELD's nfilter.subset, both ways: a subset (or a stratum's level) of fewer than `threshold`
 * records releases nothing, and neither does one that leaves fewer than `threshold` records outside
 * it (0 outside is the whole dataset, which is fine) — otherwise "everyone" minus "everyone but a
 * few" would isolate the few by subtraction.
 */
export function subsetProblem(inSubset: number, total: number, threshold: number): ModellingErrorCode | undefined {
  if (inSubset < threshold) return ModellingErrorCode.SUBSET_TOO_SMALL;
  const outside = total - inSubset;
  return outside > 0 && outside < threshold ? ModellingErrorCode.COMPLEMENT_TOO_SMALL : undefined;
}

/** subsetProblem as a refusal (a filter's subset: nothing at all is released). */
export function checkSubset(inSubset: number, total: number, threshold: number, details: Readonly<Record<string, unknown>> = {}): void {
  const code = subsetProblem(inSubset, total, threshold);
  if (code === undefined) return;
  const message = code === ModellingErrorCode.SUBSET_TOO_SMALL ? `The subset has fewer than ${threshold} records` : `Fewer than ${threshold} records lie outside the subset`;
  throw new PhdmfError(code, message, { ...details, rule: 'nfilter.subset', threshold });
}

/**
 * The levels of a stratum that may be released (subsetProblem for each level against the records
 * with a level); the others release nothing, not even their count.
 */
export function releasableLevels(counts: ReadonlyMap<string, number>, threshold: number): Set<string> {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return new Set([...counts].filter(([, n]) => subsetProblem(n, total, threshold) === undefined).map(([level]) => level));
}

/** DataSHIELD's nfilter.glm default: a site releases a model's matrices only if parameters ≤ 0.33 × its records. */
export const GLM_PARAMETERS_PER_RECORD = 0.33;

/**
 * nfilter.glm: with parameters close to the records, XᵀWX and XᵀWz come close to the records
 * themselves (a saturated fit reproduces them). Refused when p > 0.33·n at the site.
 */
export function checkParameters(parameters: number, records: number, details: Readonly<Record<string, unknown>> = {}): void {
  if (parameters > GLM_PARAMETERS_PER_RECORD * records) {
    throw new PhdmfError(ModellingErrorCode.TOO_MANY_PARAMETERS, `${parameters} parameters need at least ${Math.ceil(parameters / GLM_PARAMETERS_PER_RECORD)} records at a site, it has ${records}`, {
      ...details,
      rule: 'nfilter.glm',
      parameters,
      records,
    });
  }
}

/**
 * A level of a binary outcome, or of a categorical or two-valued covariate, held by 1..threshold−1
 * records: a model's cross-products over its indicator are then sums over those few records.
 * `counts` maps each level to its records (a level with 0 records is fine). The refusal names the
 * column, not the level: which level is rare is itself about those few records.
 */
export function checkLevels(column: string, counts: ReadonlyMap<string, number>, threshold: number, details: Readonly<Record<string, unknown>> = {}): void {
  for (const n of counts.values()) {
    if (n > 0 && n < threshold) {
      throw new PhdmfError(ModellingErrorCode.RARE_LEVEL, `A level of "${column}" has fewer than ${threshold} records`, { ...details, rule: 'rare level', column, threshold });
    }
  }
}
