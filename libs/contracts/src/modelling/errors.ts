/**
 * Codes of the federated modelling's refusals (issue 16: subsets, strata, contingency tables,
 * correlation, GLMs). The `MODEL.` codes say a request is malformed for the dataset's schema; the
 * `DISCLOSURE.` codes say a site would release numbers about too few records, and name the rule
 * (their details name the site, when a site raised them, and the column or level).
 */
export const ModellingErrorCode = {
  /** A filter, stratum or model is not of the expected JSON shape (details.path says where). */
  REQUEST_INVALID: 'MODEL.REQUEST_INVALID',
  /** A filter, stratum or model names a column the dataset does not have. */
  UNKNOWN_COLUMN: 'MODEL.UNKNOWN_COLUMN',
  /** A value or operator does not fit the column's type (an order on a categorical column, text for a number, …). */
  TYPE_MISMATCH: 'MODEL.TYPE_MISMATCH',
  /** A filter is nested deeper, or has more nodes or longer `in` lists, than the limits allow. */
  TOO_LARGE: 'MODEL.TOO_LARGE',
  /** A model's pooled XᵀWX is singular: its covariates are collinear (or a level never occurs). */
  SINGULAR: 'MODEL.SINGULAR',
  /** A GLM step or close names a session the site does not hold (never opened, closed, expired, or the site restarted): open a new one. */
  SESSION_UNKNOWN: 'MODEL.SESSION_UNKNOWN',
  /** The site holds as many open GLM sessions as it allows (MODEL_SESSIONS_MAX); retry after `retryAfterSeconds`. */
  SESSIONS_FULL: 'MODEL.SESSIONS_FULL',
  /** Subsets, strata, tables, correlations and GLMs release exact numbers: not under a differentially private grant. */
  DP_UNSUPPORTED: 'MODEL.DP_UNSUPPORTED',
  /** A subset (or a stratum's level) has fewer records than the threshold (DataSHIELD nfilter.subset). */
  SUBSET_TOO_SMALL: 'DISCLOSURE.SUBSET_TOO_SMALL',
  /** The records outside a subset (or level) are fewer than the threshold: the subset isolates them by subtraction. */
  COMPLEMENT_TOO_SMALL: 'DISCLOSURE.COMPLEMENT_TOO_SMALL',
  /** A model has more parameters than 0.33 × a site's records (DataSHIELD nfilter.glm). */
  TOO_MANY_PARAMETERS: 'DISCLOSURE.TOO_MANY_PARAMETERS',
  /** A level of a binary outcome or of a covariate has fewer records at a site than the threshold. */
  RARE_LEVEL: 'DISCLOSURE.RARE_LEVEL',
} as const;
export type ModellingErrorCode = (typeof ModellingErrorCode)[keyof typeof ModellingErrorCode];
