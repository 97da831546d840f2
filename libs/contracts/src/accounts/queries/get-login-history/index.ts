export * from './get-login-history.query';
