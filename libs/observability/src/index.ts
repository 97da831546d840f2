export * from './metrics/metrics';
export * from './metrics/labels';
export * from './metrics/metrics-listener';
export * from './tracing/tracing';
export * from './http/http-observability';
export * from './metrics/ledger-metrics';
export * from './metrics/use-case-metrics';
export * from './tracing/use-case-spans';
