import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { IsLedgerId, NodeRegistryApplyForMembership, NodeRegistryListApplications, NodeRegistryListInstitutions, NodeRegistryRejectApplication, NodeRegistryUpdateNode, OptionalField } from '@phdmf/contracts';

// Request bodies: the contracts' own payload classes (validated and documented once, in
// libs/contracts), less what the path carries.

export class NodeConfigurationDto extends OmitType(NodeRegistryUpdateNode.Payload, ['memberId']) {}

export class ApplyDto extends NodeRegistryApplyForMembership.Payload {}

export class RejectDto extends OmitType(NodeRegistryRejectApplication.Payload, ['applicationId']) {}

export class ApplicationIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  applicationId!: string;
}

export class InstitutionParam {
  @ApiProperty({ description: 'Member (institution) id' })
  @IsLedgerId()
  memberId!: string;
}

/** The list's query: the contract's own payload (status, from/to, limit, cursor). */
export class ApplicationsQueryDto extends NodeRegistryListApplications.Payload {}

/** The directory's query: limit and cursor of the contract, and `onChain` as a query string says it. */
export class InstitutionsQueryDto extends OmitType(NodeRegistryListInstitutions.Payload, ['includeOnChain']) {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: '`false` skips reading on-chain records' })
  @OptionalField()
  @IsIn(['true', 'false'])
  onChain?: 'true' | 'false';
}
