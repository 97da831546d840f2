export * from './family';
export * from './model';
export * from './site';
export * from './linalg';
export * from './fit';
export * from './site-sql';
export * from './release';
export * from './null-model';
