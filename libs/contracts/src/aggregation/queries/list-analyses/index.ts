export * from './list-analyses.query';
