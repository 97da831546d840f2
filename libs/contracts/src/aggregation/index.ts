// The aggregation service's wire contracts. Namespaces carry SUBJECT, Payload, Result and CONTRACT.
export * from './lib/errors';
export * from './lib/views';

export * as AggregationRunAnalysis from './commands/run-analysis';

export * as AggregationGetAnalysis from './queries/get-analysis';
export * as AggregationListAnalyses from './queries/list-analyses';
export * as AggregationGetAnalysisChart from './queries/get-analysis-chart';
