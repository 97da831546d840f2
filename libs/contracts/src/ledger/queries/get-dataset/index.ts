export * from './get-dataset.query';
