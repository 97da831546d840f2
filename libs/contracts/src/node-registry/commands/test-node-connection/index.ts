export * from './test-node-connection.command';
