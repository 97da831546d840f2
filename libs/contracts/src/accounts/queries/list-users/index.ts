export * from './list-users.query';
