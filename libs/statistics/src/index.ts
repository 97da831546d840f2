export * from './moments';
export * from './histogram';
export * from './pooling';
