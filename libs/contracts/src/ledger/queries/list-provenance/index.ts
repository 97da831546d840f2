export * from './list-provenance.query';
