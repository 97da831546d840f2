export * from './update-node.command';
