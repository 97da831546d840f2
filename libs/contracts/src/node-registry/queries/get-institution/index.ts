export * from './get-institution.query';
