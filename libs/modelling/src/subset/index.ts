export * from './filter';
export * from './filter-sql';
export * from './stratum';
