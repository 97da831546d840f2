import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsEmailAddress, LEDGER_ID_PATTERN, OptionalField, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, SafeText } from '@phdmf/contracts';
import { CanonicalInt } from '../edge/validation';

// HTTP request bodies. They are the edge's public contract and deliberately narrower than the bus
// payloads: what the edge fills in itself (client address, user agent, the organisation from the
// path) cannot be sent by a client.

export class RegisterDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @IsEmailAddress()
  email!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @SafeText()
  displayName!: string;
}

export class LoginDto {
  @ApiProperty({ format: 'email' })
  @IsEmailAddress()
  email!: string;

  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password!: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(16, 256)
  refreshToken!: string;
}

export class UpdateProfileDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @SafeText()
  displayName!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword!: string;
}

export class CreateMemberDto extends RegisterDto {}

export class HistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @OptionalField()
  @CanonicalInt()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class UserIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;
}

export class MemberIdParam {
  @ApiProperty({ description: 'Member (institution) id' })
  @IsString()
  @Matches(LEDGER_ID_PATTERN)
  memberId!: string;
}
