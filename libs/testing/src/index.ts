export * from './free-port';
export * from './nats-server';
export * from './temp-dir';
export * from './silent-logger';
export * from './postgres';
export * from './child-env';
export * from './openapi-conformance';
export * from './slow-link';
