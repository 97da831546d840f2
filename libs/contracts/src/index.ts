// class-transformer's @Type needs the metadata API before any payload class is defined.
import 'reflect-metadata';
// The one place where wire contracts live: every subject string and every payload class.
// Messages are re-exported as namespaces: `GetHealth.SUBJECTS`, `GetHealth.Payload`.
export * from './lib/contract';
export * from './lib/errors';
export * from './lib/http-status';
export * from './lib/text';
export * from './lib/documented';
export * from './lib/ids';
export * from './lib/optional';
export * from './lib/pagination';
export * from './lib/payload-checks';
export * from './lib/quota';
export * from './lib/services';
export * from './lib/actor';
export * as GetHealth from './health/get-health';
export * from './ledger';
export * from './accounts';
export * from './node-registry';
export * from './storage';
export * from './authorization';
export * from './aggregation';
export * from './modelling/errors';
