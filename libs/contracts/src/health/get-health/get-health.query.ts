import { defineQuery } from '../../lib/contract';
import type { ServiceName } from '../../lib/services';

/** Health of one service: what it depends on and whether each dependency answers. */
export class Payload {}

export type CheckStatus = 'up' | 'down';

export interface Result {
  service: ServiceName;
  status: CheckStatus;
  version: string;
  uptimeMs: number;
  checks: Record<string, CheckStatus>;
}

/** One subject per service: the health query is answered by whichever instance is up. */
export const SUBJECTS = {
  'api-gateway': 'phdmf.api-gateway.qry.health.v1',
  accounts: 'phdmf.accounts.qry.health.v1',
  'node-registry': 'phdmf.node-registry.qry.health.v1',
  'data-storage': 'phdmf.data-storage.qry.health.v1',
  authorization: 'phdmf.authorization.qry.health.v1',
  ledger: 'phdmf.ledger.qry.health.v1',
  aggregation: 'phdmf.aggregation.qry.health.v1',
} as const satisfies Record<ServiceName, string>;

const CONTRACTS = Object.fromEntries(
  Object.entries(SUBJECTS).map(([service, subject]) => [service, defineQuery<Payload, Result>(subject, Payload)]),
) as { [S in ServiceName]: ReturnType<typeof defineQuery<Payload, Result>> };

export function contractFor(service: ServiceName) {
  return CONTRACTS[service];
}
