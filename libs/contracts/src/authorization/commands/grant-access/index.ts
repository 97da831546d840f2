export * from './grant-access.command';
