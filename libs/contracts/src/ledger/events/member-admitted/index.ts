export * from './member-admitted.event';
