export * from './dataset-added.event';
