export * from './logout.command';
