export * from './random';
export * from './rational';
export * from './discrete-gaussian';
export * from './zcdp';
export * from './plan';
export * from './site-summary';
export * from './site-sql';
export * from './pool';
