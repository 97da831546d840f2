import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { GetHealth } from '@phdmf/contracts';
import { Public } from '../auth/decorators';
import { assessHealth, HEALTH_INDICATORS, SOFTWARE_VERSION, type HealthIndicator } from '@phdmf/messaging';

/**
 * Probes for orchestrators: /health says the process is alive (liveness), /ready says it can do
 * its work, which for the edge means NATS answers (readiness).
 */
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[]) {}

  @Get('health')
  @HttpCode(200)
  health(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  async ready(): Promise<GetHealth.Result> {
    const result = await assessHealth('api-gateway', SOFTWARE_VERSION, this.indicators);
    if (result.status !== 'up') throw new ServiceUnavailableException(result);
    return result;
  }
}
