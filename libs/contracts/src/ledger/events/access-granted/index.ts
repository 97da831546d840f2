export * from './access-granted.event';
