export * from './get-member.query';
