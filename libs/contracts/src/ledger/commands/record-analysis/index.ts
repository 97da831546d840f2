export * from './record-analysis.command';
