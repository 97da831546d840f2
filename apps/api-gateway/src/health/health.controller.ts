import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SERVICE_NAMES, type GetHealth } from '@phdmf/contracts';
import { Public } from '../auth/decorators';
import { assessHealth, HEALTH_INDICATORS, SOFTWARE_VERSION, type HealthIndicator } from '@phdmf/messaging';
import { PROBES_TAG } from '../edge/openapi-errors';
import type { DocumentsExactly } from '../edge/openapi-schemas';

export class LivenessResponse {
  @ApiProperty({ enum: ['up'] }) status!: 'up';
}

export class ReadinessResponse implements GetHealth.Result {
  @ApiProperty({ enum: SERVICE_NAMES }) service!: GetHealth.Result['service'];
  @ApiProperty({ enum: ['up', 'down'] }) status!: GetHealth.CheckStatus;
  @ApiProperty() version!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) uptimeMs!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] }, example: { nats: 'up' }, description: 'Each dependency and whether it answers' })
  checks!: Record<string, GetHealth.CheckStatus>;
}

const _documentedExactly: [DocumentsExactly<ReadinessResponse, GetHealth.Result>] = [true];

/**
 * Probes for orchestrators: /health says the process is alive (liveness), /ready says it can do
 * its work, which for the edge means NATS answers (readiness).
 */
@ApiTags(PROBES_TAG)
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[]) {}

  @Get('health')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers (no token, no rate limit)' })
  @ApiOkResponse({ type: LivenessResponse })
  health(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the edge can do its work (NATS answers); no token, no rate limit' })
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiServiceUnavailableResponse({ type: ReadinessResponse, description: 'Not ready: the same report, with the dependency that is down' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<GetHealth.Result> {
    const result = await assessHealth('api-gateway', SOFTWARE_VERSION, this.indicators);
    // The report itself, with 503: an orchestrator reads the status, an operator the report.
    if (result.status !== 'up') res.status(503);
    return result;
  }
}
