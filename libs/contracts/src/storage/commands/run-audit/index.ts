export * from './run-audit.command';
