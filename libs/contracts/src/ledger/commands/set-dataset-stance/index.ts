export * from './set-dataset-stance.command';
