export * from './register-researcher.command';
