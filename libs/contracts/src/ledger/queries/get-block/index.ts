export * from './get-block.query';
