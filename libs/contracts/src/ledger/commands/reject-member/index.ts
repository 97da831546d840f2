export * from './reject-member.command';
