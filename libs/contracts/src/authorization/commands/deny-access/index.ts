export * from './deny-access.command';
