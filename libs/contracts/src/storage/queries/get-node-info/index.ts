export * from './get-node-info.query';
