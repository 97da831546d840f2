export * from './moments';
export * from './histogram';
export * from './pooling';
export * from './grid';
export * from './dp';
