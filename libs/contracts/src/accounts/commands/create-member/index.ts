export * from './create-member.command';
