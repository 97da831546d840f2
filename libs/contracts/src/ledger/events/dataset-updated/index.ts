export * from './dataset-updated.event';
