export * from './model.query';
