export * from './reject-application.command';
