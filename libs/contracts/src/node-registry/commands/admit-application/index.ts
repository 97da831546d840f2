export * from './admit-application.command';
