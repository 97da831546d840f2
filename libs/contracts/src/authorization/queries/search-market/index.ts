export * from './search-market.query';
