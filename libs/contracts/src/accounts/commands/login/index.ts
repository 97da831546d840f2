export * from './login.command';
