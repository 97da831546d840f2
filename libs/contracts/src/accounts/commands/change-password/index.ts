export * from './change-password.command';
