import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ENDPOINT_URL_PATTERN, IsEmailAddress, LEDGER_ID_PATTERN, LedgerLimits, OptionalField, PUBLIC_KEY_PEM_PATTERN, SafeText, STORAGE_NODE_ID_PATTERN } from '@phdmf/contracts';

export class NodeConfigurationDto {
  @ApiProperty({ description: 'Storage node id: 1-64 lower-case letters, digits and hyphens', example: 'hospital-a-node-1' })
  @IsString()
  @Matches(STORAGE_NODE_ID_PATTERN, { message: 'nodeId must be 1-64 lower-case letters, digits and hyphens' })
  nodeId!: string;

  @ApiProperty({ description: 'The node\'s URL, port included', example: 'https://node.hospital-a.org:8443' })
  @IsString()
  @Length(1, LedgerLimits.url)
  @Matches(ENDPOINT_URL_PATTERN, { message: 'endpoint must be an absolute URL such as https://node.example.org:8443' })
  @SafeText()
  endpoint!: string;

  @ApiProperty({ description: 'SPKI public key in PEM form (-----BEGIN PUBLIC KEY-----)' })
  @IsString()
  @Length(1, LedgerLimits.pem)
  @Matches(PUBLIC_KEY_PEM_PATTERN, { message: 'nodePublicKey must be a PEM-encoded public key (-----BEGIN PUBLIC KEY-----)' })
  nodePublicKey!: string;
}

export class ApplyDto extends NodeConfigurationDto {
  @ApiProperty({ description: 'The institution\'s name', maxLength: LedgerLimits.name })
  @IsString()
  @Length(1, LedgerLimits.name)
  @SafeText()
  name!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @SafeText()
  contactName!: string;

  @ApiProperty({ format: 'email' })
  @IsEmailAddress()
  contactEmail!: string;

  @ApiPropertyOptional({ description: 'The institution\'s own MSP id on a Fabric network; assigned (`<memberId>-msp`) when absent', example: 'HospitalAMSP' })
  @OptionalField()
  @IsString()
  @Matches(LEDGER_ID_PATTERN, { message: 'mspId must be 1-128 characters: letters, digits and . _ : @ + = / - (starting with a letter or digit)' })
  mspId?: string;
}

export class RejectDto {
  @ApiProperty({ maxLength: LedgerLimits.reason })
  @IsString()
  @Length(1, LedgerLimits.reason)
  @SafeText({ multiline: true })
  reason!: string;
}

export class ApplicationIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  applicationId!: string;
}

export class InstitutionParam {
  @ApiProperty({ description: 'Member (institution) id' })
  @IsString()
  @Matches(LEDGER_ID_PATTERN)
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
