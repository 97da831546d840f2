export * from './refresh-token.command';
