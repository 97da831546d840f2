export * from './claims';
export * from './jwks-source';
export * from './bus-jwks-source';
export * from './token-verifier';
export * from './token-issuer';
