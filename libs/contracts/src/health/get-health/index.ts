export * from './get-health.query';
