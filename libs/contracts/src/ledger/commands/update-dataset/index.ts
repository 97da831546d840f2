export * from './update-dataset.command';
