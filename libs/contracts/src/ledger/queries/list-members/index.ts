export * from './list-members.query';
