import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AggregationErrorCode, AggregationGetAnalysis, AggregationGetAnalysisChart, AggregationListAnalyses, AggregationRunAnalysis, AggregationRunModel, CommonErrorCode, LedgerChaincodeErrorCode, LedgerErrorCode, ModellingErrorCode, PaginationErrorCode, StorageErrorCode } from '@phdmf/contracts';
import { CurrentUser } from '../auth/decorators';
import { EdgeBus } from '../bus/edge-bus';
import { Idempotent } from '../edge/idempotency';
import { ApiErrors } from '../edge/openapi-errors';
import { queryPayload } from '../edge/validation';
import { ApiGatewayConfig } from '../config';
import { AnalysesQueryDto, AnalysisIdParam, ChartQueryDto, RunAnalysisDto, RunModelDto } from './dto';
import { ModelAnalysisResponse } from './model-openapi';
import { AnalysisListResponse, AnalysisResponse, WithholdingResponse } from './openapi';

@ApiTags('analyses')
@ApiBearerAuth()
@ApiExtraModels(WithholdingResponse, AnalysisResponse, ModelAnalysisResponse)
@ApiErrors(AggregationErrorCode, ModellingErrorCode, LedgerErrorCode, LedgerChaincodeErrorCode, StorageErrorCode, CommonErrorCode.QUOTA_EXCEEDED)
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
      'With `filter` every statistic is over the subset (each site refuses a subset, or its complement, below its threshold: 422 DISCLOSURE.*); with `stratum` each level gets the statistics too (`strata`); the grants must cover the columns they read. ' +
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
      ...(body.filter ? { filter: body.filter } : {}),
      ...(body.stratum ? { stratum: { column: body.stratum.column } } : {}),
    };
    return this.bus.request(req, AggregationRunAnalysis.CONTRACT, payload, user, { timeoutMs: this.config.ANALYSIS_REQUEST_TIMEOUT_MS });
  }

  @Post('models')
  @Idempotent()
  @ApiOperation({
    summary: 'Run a federated model: a contingency table, a correlation matrix or a GLM (`kind`) over datasets you hold committed grants for',
    description:
      'The field named by `kind` holds the model (`table`: one or two strata; `correlation`: numeric columns; `glm`: family, outcome, covariates with categorical levels, offset); `filter` is an optional subset. ' +
      'Checked against each dataset\'s on-chain schema (400 MODEL.*), then refused (403 ACCESS.*) before any site is asked unless every grant covers the kind (statistic `table`, `correlation` or `glm`) and every column read, the subset\'s included. ' +
      'A site refuses what would disclose (422 DISCLOSURE.* naming the site and the rule: a subset or its complement below the threshold, too many parameters for its records, a rare level). ' +
      'Each site\'s answers are signed; a GLM opens one session per site and iterates until |dev − dev₀| / (|dev| + 0.1) < 1e-8. Answered after the model is recorded on-chain as one analysis.',
  })
  @ApiCreatedResponse({ type: ModelAnalysisResponse })
  runModel(@Req() req: Request, @Body() body: RunModelDto, @CurrentUser() user: AccessTokenClaims) {
    const payload: AggregationRunModel.Payload = {
      kind: body.kind,
      datasets: body.datasets,
      ...(body.filter ? { filter: body.filter } : {}),
      ...(body.table ? { table: body.table } : {}),
      ...(body.correlation ? { correlation: body.correlation } : {}),
      ...(body.glm ? { glm: body.glm } : {}),
    };
    return this.bus.request(req, AggregationRunModel.CONTRACT, payload, user, { timeoutMs: this.config.ANALYSIS_REQUEST_TIMEOUT_MS });
  }

  @Get()
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({
    summary: 'Analyses, newest first (by creation time, then id), a page at a time; filters: status, from/to (creation time), requester',
    description: 'A researcher (or any other user) sees only their own analyses; a consortium admin, who audits, sees every requester\'s, or one user\'s with `requester`. `total` counts what the caller may see under the filters.',
  })
  @ApiOkResponse({ type: AnalysisListResponse })
  list(@Req() req: Request, @Query() query: AnalysesQueryDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AggregationListAnalyses.CONTRACT, queryPayload(query), user);
  }

  @Get(':analysisId')
  @ApiOperation({ summary: 'One analysis (its requester, or a consortium admin): a summary, or a model (with `kind`)' })
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(AnalysisResponse) }, { $ref: getSchemaPath(ModelAnalysisResponse) }] } })
  get(@Req() req: Request, @Param() params: AnalysisIdParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, AggregationGetAnalysis.CONTRACT, { analysisId: params.analysisId }, user);
  }

  @Get(':analysisId/chart.svg')
  @ApiOperation({
    summary: 'A chart: of a summary, bars of one statistic per variable (pooled) or per site within each variable (with a breakdown); of a model, its own chart (`statistic` and `by` unused)',
    description: 'A table: bars per row level grouped by column level; a correlation matrix: a heat map of r; a GLM: a forest plot of the coefficients with their intervals.',
  })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'An SVG document', schema: { type: 'string' } })
  async chart(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param() params: AnalysisIdParam,
    @Query() query: ChartQueryDto,
    @CurrentUser() user: AccessTokenClaims,
  ): Promise<string> {
    const { svg } = await this.bus.request(
      req,
      AggregationGetAnalysisChart.CONTRACT,
      { analysisId: params.analysisId, ...(query.statistic ? { statistic: query.statistic } : {}), ...(query.by ? { by: query.by } : {}) },
      user,
    );
    // Set only on success (a @Header decorator would label an error's JSON body as SVG too).
    res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
    res.setHeader('Cache-Control', 'private, no-store');
    return svg;
  }

}
