import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AggregationErrorCode, AggregationGetAnalysis, AggregationGetAnalysisChart, AggregationListAnalyses, AggregationRunAnalysis, CommonErrorCode, LedgerChaincodeErrorCode, LedgerErrorCode, StorageErrorCode, PaginationErrorCode } from '@phdmf/contracts';
import { CurrentUser } from '../auth/decorators';
import { EdgeBus } from '../bus/edge-bus';
import { Idempotent } from '../edge/idempotency';
import { ApiErrors } from '../edge/openapi-errors';
import { ApiGatewayConfig } from '../config';
import { AnalysesQueryDto, AnalysisIdParam, ChartQueryDto, RunAnalysisDto } from './dto';
import { AnalysisListResponse, AnalysisResponse, WithholdingResponse } from './openapi';

@ApiTags('analyses')
@ApiBearerAuth()
@ApiExtraModels(WithholdingResponse)
@ApiErrors(AggregationErrorCode, LedgerErrorCode, LedgerChaincodeErrorCode, StorageErrorCode, CommonErrorCode.QUOTA_EXCEEDED)
@Controller('analyses')
export class AnalysesController {
  constructor(
    private readonly bus: EdgeBus,
    private readonly config: ApiGatewayConfig,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Run an analysis: pooled statistics over datasets you hold committed grants for',
    description:
      'Refused (403 ACCESS.*) before any site is asked unless every dataset has your committed grant in force covering the columns and statistics. ' +
      'On dp grants the analysis first reserves its ρ on-chain (409 BUDGET.EXHAUSTED when a budget has less left; 400 ANALYSIS.DP_STATISTIC_UNAVAILABLE for min/max), and every number comes back noisy with its noise sd and 95 % interval (`columns[].noise`). ' +
      'Answered after the analysis is recorded on-chain (txId, blockNumber).',
  })
  @ApiCreatedResponse({ type: AnalysisResponse })
  run(@Req() req: Request, @Body() body: RunAnalysisDto, @CurrentUser() user: AccessTokenClaims) {
    const payload: AggregationRunAnalysis.Payload = {
      datasets: body.datasets,
      columns: body.columns,
      statistics: body.statistics,
      ...(body.probabilities ? { probabilities: body.probabilities } : {}),
      ...(body.histograms ? { histograms: body.histograms.map((h) => ({ column: h.column, edges: h.edges })) } : {}),
      ...(body.breakdown !== undefined ? { breakdown: body.breakdown } : {}),
      ...(body.allowPartial !== undefined ? { allowPartial: body.allowPartial } : {}),
      ...(body.rho !== undefined ? { rho: body.rho } : {}),
    };
    return this.bus.request(req, AggregationRunAnalysis.CONTRACT, payload, user, { timeoutMs: this.config.ANALYSIS_REQUEST_TIMEOUT_MS });
  }

  @Get()
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({ summary: 'Your own analyses, newest first (by creation time, then id), a page at a time; filters: status, from/to (creation time)' })
  @ApiOkResponse({ type: AnalysisListResponse })
  list(@Req() req: Request, @Query() query: AnalysesQueryDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AggregationListAnalyses.CONTRACT, { ...query }, user);
  }

  @Get(':analysisId')
  @ApiOperation({ summary: 'One analysis (its requester, or a consortium admin)' })
  @ApiOkResponse({ type: AnalysisResponse })
  get(@Req() req: Request, @Param() params: AnalysisIdParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AggregationGetAnalysis.CONTRACT, { analysisId: params.analysisId }, user);
  }

  @Get(':analysisId/chart.svg')
  @ApiOperation({ summary: 'A bar chart of one statistic: per variable (pooled), or per site within each variable (with a breakdown)' })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'An SVG document', schema: { type: 'string' } })
  async chart(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param() params: AnalysisIdParam,
    @Query() query: ChartQueryDto,
    @CurrentUser() user: AccessTokenClaims,
  ): Promise<string> {
    const { svg } = await this.bus.request(req, AggregationGetAnalysisChart.CONTRACT, { analysisId: params.analysisId, statistic: query.statistic, ...(query.by ? { by: query.by } : {}) }, user);
    // Set only on success (a @Header decorator would label an error's JSON body as SVG too).
    res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
    res.setHeader('Cache-Control', 'private, no-store');
    return svg;
  }

}
