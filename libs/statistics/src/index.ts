export * from './moments';
export * from './histogram';
