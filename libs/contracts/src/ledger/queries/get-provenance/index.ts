export * from './get-provenance.query';
