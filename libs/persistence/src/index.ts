export * from './orm-options';
export * from './migrate';
export * from './schema-migration';
export * from './database-health';
export * from './isolated-database';
export * from './keyset-page';
