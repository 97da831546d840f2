export * from './access-denied.event';
