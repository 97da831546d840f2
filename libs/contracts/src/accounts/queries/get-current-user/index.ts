export * from './get-current-user.query';
