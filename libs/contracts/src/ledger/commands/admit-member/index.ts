export * from './admit-member.command';
