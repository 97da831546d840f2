export * from './access-revoked.event';
