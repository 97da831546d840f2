export * from './get-analysis-chart.query';
