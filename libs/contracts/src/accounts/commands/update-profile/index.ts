export * from './update-profile.command';
