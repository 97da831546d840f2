export * from './list-datasets.query';
