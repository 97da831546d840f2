export * from './run-model.command';
