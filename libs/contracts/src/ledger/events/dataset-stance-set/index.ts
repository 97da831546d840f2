export * from './dataset-stance-set.event';
