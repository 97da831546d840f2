// The one place where wire contracts live: every subject string and every payload class.
// Messages are re-exported as namespaces: `GetHealth.SUBJECTS`, `GetHealth.Payload`.
export * from './lib/contract';
export * from './lib/errors';
export * from './lib/services';
export * from './lib/actor';
export * as GetHealth from './health/get-health';
