export * from './apply-for-membership.command';
