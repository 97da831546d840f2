export * from './get-market-entry.query';
