export * from './node-updated.event';
