export * from './analysis-recorded.event';
