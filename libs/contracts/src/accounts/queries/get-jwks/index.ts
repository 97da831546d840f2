export * from './get-jwks.query';
