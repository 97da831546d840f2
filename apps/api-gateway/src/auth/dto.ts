import { ApiProperty, ApiPropertyOptional, OmitType, PickType } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { AccountsChangePassword, AccountsCreateMember, AccountsLogin, AccountsRefreshToken, AccountsRegisterResearcher, AccountsUpdateProfile, IsLedgerId, OptionalField } from '@phdmf/contracts';
import { CanonicalInt } from '../edge/validation';

// HTTP request bodies: the contracts' own payload classes, validated and documented once (in
// libs/contracts). Deliberately narrower than the bus payloads where the edge fills a field in
// itself (client address, user agent, the organisation from the path): a client cannot send those.

export class RegisterDto extends AccountsRegisterResearcher.Payload {}

export class LoginDto extends PickType(AccountsLogin.Payload, ['email', 'password']) {}

export class RefreshDto extends PickType(AccountsRefreshToken.Payload, ['refreshToken']) {}

export class UpdateProfileDto extends AccountsUpdateProfile.Payload {}

export class ChangePasswordDto extends PickType(AccountsChangePassword.Payload, ['currentPassword', 'newPassword']) {}

export class CreateMemberDto extends OmitType(AccountsCreateMember.Payload, ['organisationId']) {}

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
  @IsLedgerId()
  memberId!: string;
}
