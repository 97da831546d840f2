export * from './run-analysis.command';
