export * from './list-institutions.query';
