export * from './get-transaction.query';
