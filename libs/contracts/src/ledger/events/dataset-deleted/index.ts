export * from './dataset-deleted.event';
