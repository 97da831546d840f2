export * from './list-access-requests.query';
