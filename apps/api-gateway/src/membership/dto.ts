import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { IsLedgerId, NodeRegistryApplyForMembership, NodeRegistryRejectApplication, NodeRegistryUpdateNode, OptionalField } from '@phdmf/contracts';

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

export class ApplicationsQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'admitted', 'rejected'] })
  @OptionalField()
  @IsIn(['pending', 'admitted', 'rejected'])
  status?: 'pending' | 'admitted' | 'rejected';
}

export class InstitutionsQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: '`false` skips reading on-chain records' })
  @OptionalField()
  @IsIn(['true', 'false'])
  onChain?: 'true' | 'false';
}
