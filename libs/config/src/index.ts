export * from './load-config';
export * from './service-config';
export * from './private-files';
