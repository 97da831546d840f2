export * from './delete-dataset.command';
