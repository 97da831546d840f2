export * from './access-requested.event';
