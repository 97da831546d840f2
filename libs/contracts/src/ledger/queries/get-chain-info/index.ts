export * from './get-chain-info.query';
