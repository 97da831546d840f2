export * from './list-applications.query';
