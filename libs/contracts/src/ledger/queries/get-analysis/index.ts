export * from './get-analysis.query';
