// The aggregation service's wire contracts. Namespaces carry SUBJECT, Payload, Result and CONTRACT.
export * from './lib/errors';
export * from './lib/views';
export * from './lib/model-views';

export * as AggregationRunAnalysis from './commands/run-analysis';
export * as AggregationRunModel from './commands/run-model';

export * as AggregationGetAnalysis from './queries/get-analysis';
export * as AggregationListAnalyses from './queries/list-analyses';
export * as AggregationGetAnalysisChart from './queries/get-analysis-chart';
