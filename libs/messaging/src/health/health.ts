import { Controller, Inject, type Type } from '@nestjs/common';
import { GetHealth, type ServiceName } from '@phdmf/contracts';
import { HandleRequest } from '../rpc/handle-request.decorator';
import { HEALTH_INDICATORS, type HealthIndicator } from './health-indicator';

const started = Date.now();

/** Asks every indicator, with a short deadline each, and reports the service up only if all are. */
export async function assessHealth(service: ServiceName, version: string, indicators: HealthIndicator[]): Promise<GetHealth.Result> {
  const entries = await Promise.all(
    indicators.map(async (i) => [i.name, (await withDeadline(i.isUp(), 2_000)) ? 'up' : 'down'] as const),
  );
  const checks = Object.fromEntries(entries) as Record<string, GetHealth.CheckStatus>;
  return {
    service,
    status: entries.every(([, s]) => s === 'up') ? 'up' : 'down',
    version,
    uptimeMs: Date.now() - started,
    checks,
  };
}

async function withDeadline(check: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, ms);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The health query handler of one service. Built per service because the subject is per service
 * (`phdmf.<service>.qry.health.v1`) and decorators need it when the class is defined.
 */
export function healthControllerFor(service: ServiceName, version: string): Type {
  @Controller()
  class HealthController {
    constructor(@Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[]) {}

    @HandleRequest(GetHealth.contractFor(service))
    async health(): Promise<GetHealth.Result> {
      return assessHealth(service, version, this.indicators);
    }
  }
  return HealthController;
}
