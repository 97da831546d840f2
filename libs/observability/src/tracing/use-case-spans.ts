/**
 * The spans a use case opens inside a service, beside the per-subject NATS spans and the per-route
 * HTTP spans, so that one analysis reads as its steps: edge → aggregation (grant check, site
 * summaries, verification, pooling, record) → ledger (the chaincode call) → each site (grant check,
 * re-hash, DuckDB, disclosure, signature) → back. One list, so tests and dashboards name them alike.
 * Their attributes are kinds, modes and counts: never an id, a value or a user.
 */
export const UseCaseSpan = {
  AnalysisGrantCheck: 'aggregation.run-analysis.grant-check',
  AnalysisBudgetReservation: 'aggregation.run-analysis.budget-reservation',
  AnalysisSiteSummaries: 'aggregation.run-analysis.site-summaries',
  AnalysisVerification: 'aggregation.run-analysis.verification',
  AnalysisPooling: 'aggregation.run-analysis.pooling',
  AnalysisRecord: 'aggregation.run-analysis.record',
  SiteGrantCheck: 'storage.summarize.grant-check',
  SiteRehash: 'storage.summarize.re-hash',
  SiteEngine: 'storage.summarize.duckdb',
  SiteDisclosure: 'storage.summarize.disclosure',
  SiteSignature: 'storage.summarize.signature',
  /** The ledger service's chaincode calls; the span name ends with the function (`ledger.evaluate access:checkAccess`). */
  LedgerEvaluate: 'ledger.evaluate',
  LedgerSubmit: 'ledger.submit',
} as const;
