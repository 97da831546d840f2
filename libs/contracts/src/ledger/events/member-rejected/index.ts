export * from './member-rejected.event';
