export * from './moments';
export * from './pearson';
