export * from './request-access.command';
