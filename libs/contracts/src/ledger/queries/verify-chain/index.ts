export * from './verify-chain.query';
