export * from './get-dataset-history.query';
