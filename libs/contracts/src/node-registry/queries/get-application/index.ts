export * from './get-application.query';
