export * from './set-stance.command';
