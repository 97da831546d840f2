/** The services of a PHDMF deployment; each owns its subjects under `phdmf.<service>.`. */
export const SERVICE_NAMES = [
  'api-gateway',
  'accounts',
  'node-registry',
  'data-storage',
  'authorization',
  'ledger',
  'aggregation',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}
