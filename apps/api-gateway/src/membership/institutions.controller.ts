import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { LedgerChaincodeErrorCode, LedgerErrorCode, NodeRegistryErrorCode, NodeRegistryGetInstitution, NodeRegistryListInstitutions, NodeRegistryTestNodeConnection, NodeRegistryUpdateNode, PaginationErrorCode } from '@phdmf/contracts';
import { CurrentUser, Roles, SameOrganisation } from '../auth/decorators';
import { EdgeBus } from '../bus/edge-bus';
import { Idempotent } from '../edge/idempotency';
import { ApiErrors } from '../edge/openapi-errors';
import { ConnectionTestResponse, InstitutionListResponse, InstitutionResponse } from '../edge/openapi-schemas';
import { InstitutionParam, InstitutionsQueryDto, NodeConfigurationDto } from './dto';

@ApiTags('institutions')
@ApiBearerAuth()
@ApiErrors(NodeRegistryErrorCode, LedgerErrorCode, LedgerChaincodeErrorCode)
@Controller('institutions')
export class InstitutionsController {
  constructor(private readonly bus: EdgeBus) {}

  @Get()
  @ApiErrors(PaginationErrorCode)
  @ApiOperation({ summary: 'Node information: every member with its node, status, last heartbeat and on-chain record; the latest admitted first (by admission time, then member id), a page at a time' })
  @ApiOkResponse({ type: InstitutionListResponse })
  list(@Req() req: Request, @Query() query: InstitutionsQueryDto, @CurrentUser() user: AccessTokenClaims) {
    const { onChain, ...page } = query;
    return this.bus.request(req, NodeRegistryListInstitutions.CONTRACT, { ...page, ...(onChain === 'false' ? { includeOnChain: false } : {}) }, user);
  }

  @Get(':memberId')
  @ApiOperation({ summary: 'One member with its node and on-chain record' })
  @ApiOkResponse({ type: InstitutionResponse })
  get(@Req() req: Request, @Param() params: InstitutionParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, NodeRegistryGetInstitution.CONTRACT, { memberId: params.memberId }, user);
  }

  @Put(':memberId/node')
  @Idempotent()
  @Roles('institution-admin')
  @SameOrganisation('memberId')
  @ApiOperation({ summary: 'Change the institution\'s node (id, endpoint with port, public key); committed on-chain first' })
  @ApiOkResponse({ type: InstitutionResponse })
  updateNode(@Req() req: Request, @Param() params: InstitutionParam, @Body() body: NodeConfigurationDto, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.requestCommitted(req, NodeRegistryUpdateNode.CONTRACT, { nodeId: body.nodeId, endpoint: body.endpoint, nodePublicKey: body.nodePublicKey, memberId: params.memberId }, user);
  }

  @Post(':memberId/node/connection-test')
  @Roles('consortium-admin', 'institution-admin')
  @SameOrganisation('memberId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reach the node\'s storage service over NATS: reachable, round trip, version, ledger height; a reason when unreachable' })
  @ApiOkResponse({ type: ConnectionTestResponse })
  testConnection(@Req() req: Request, @Param() params: InstitutionParam, @CurrentUser() user: AccessTokenClaims) {
    return this.bus.request(req, NodeRegistryTestNodeConnection.CONTRACT, { memberId: params.memberId }, user);
  }
}
