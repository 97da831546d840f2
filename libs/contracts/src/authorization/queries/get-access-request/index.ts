export * from './get-access-request.query';
