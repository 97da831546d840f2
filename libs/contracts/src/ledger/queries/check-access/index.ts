export * from './check-access.query';
