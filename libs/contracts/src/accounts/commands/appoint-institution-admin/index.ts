export * from './appoint-institution-admin.command';
