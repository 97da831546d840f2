import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateBy } from 'class-validator';
import { LEDGER_ID_PATTERN, LedgerLimits, STORAGE_NODE_ID_PATTERN } from '@phdmf/contracts';

const PEM = /^-----BEGIN PUBLIC KEY-----\r?\n(?:[A-Za-z0-9+/=]{1,76}\r?\n)+-----END PUBLIC KEY-----(?:\r?\n)?$/;
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** No control characters (C0 and DEL), as the chaincode requires of names. */
function NoControlCharacters(): PropertyDecorator {
  return ValidateBy({
    name: 'noControlCharacters',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !hasControlCharacter(value),
      defaultMessage: () => '$property must not contain control characters',
    },
  });
}

const URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#]+(?:[/?#]\S*)?$/;

export class NodeConfigurationDto {
  @ApiProperty({ description: 'Storage node id: 1-64 lower-case letters, digits and hyphens', example: 'hospital-a-node-1' })
  @IsString()
  @Matches(STORAGE_NODE_ID_PATTERN, { message: 'nodeId must be 1-64 lower-case letters, digits and hyphens' })
  nodeId!: string;

  @ApiProperty({ description: 'The node\'s URL, port included', example: 'https://node.hospital-a.org:8443' })
  @IsString()
  @Length(1, LedgerLimits.url)
  @Matches(URL, { message: 'endpoint must be an absolute URL such as https://node.example.org:8443' })
  endpoint!: string;

  @ApiProperty({ description: 'SPKI public key in PEM form (-----BEGIN PUBLIC KEY-----)' })
  @IsString()
  @Length(1, LedgerLimits.pem)
  @Matches(PEM, { message: 'nodePublicKey must be a PEM-encoded public key (-----BEGIN PUBLIC KEY-----)' })
  nodePublicKey!: string;
}

export class ApplyDto extends NodeConfigurationDto {
  @ApiProperty({ description: 'The institution\'s name', maxLength: LedgerLimits.name })
  @IsString()
  @Length(1, LedgerLimits.name)
  @NoControlCharacters()
  name!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @NoControlCharacters()
  contactName!: string;

  @ApiProperty({ format: 'email' })
  @IsEmail()
  @MaxLength(254)
  contactEmail!: string;

  @ApiPropertyOptional({ description: 'The institution\'s own MSP id on a Fabric network; assigned (`<memberId>-msp`) when absent', example: 'HospitalAMSP' })
  @IsOptional()
  @IsString()
  @Matches(LEDGER_ID_PATTERN, { message: 'mspId must be 1-128 characters: letters, digits and . _ : @ + = / - (starting with a letter or digit)' })
  mspId?: string;
}

export class RejectDto {
  @ApiProperty({ maxLength: LedgerLimits.reason })
  @IsString()
  @Length(1, LedgerLimits.reason)
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
  @IsOptional()
  @IsIn(['pending', 'admitted', 'rejected'])
  status?: 'pending' | 'admitted' | 'rejected';
}

export class InstitutionsQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: '`false` skips reading on-chain records' })
  @IsOptional()
  @IsIn(['true', 'false'])
  onChain?: 'true' | 'false';
}
