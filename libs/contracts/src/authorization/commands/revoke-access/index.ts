export * from './revoke-access.command';
