export * from './add-dataset.command';
