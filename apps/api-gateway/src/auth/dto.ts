import { ApiPropertyOptional, ApiProperty, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { AccountsChangePassword, AccountsCreateMember, AccountsGetLoginHistory, AccountsListUsers, AccountsLogin, AccountsRefreshToken, AccountsRegisterResearcher, AccountsUpdateProfile, IsLedgerId, OptionalField } from '@phdmf/contracts';
import { REFRESH_IN, type RefreshIn } from './refresh-cookie';

// HTTP request bodies: the contracts' own payload classes, validated and documented once (in
// libs/contracts). Deliberately narrower than the bus payloads where the edge fills a field in
// itself (client address, user agent, the organisation from the path): a client cannot send those.

export class RegisterDto extends AccountsRegisterResearcher.Payload {}

export class LoginDto extends PickType(AccountsLogin.Payload, ['email', 'password']) {}

export class RefreshDto extends PickType(AccountsRefreshToken.Payload, ['refreshToken']) {}

/** Refresh and sign-out: the token in the body (JSON flow) or, when absent, in the console's cookie. */
export class RefreshOrCookieDto extends PartialType(RefreshDto) {}

export class RefreshInQueryDto {
  @ApiPropertyOptional({ enum: REFRESH_IN, default: 'body', description: '`cookie`: the refresh token is set as an HttpOnly, Secure, SameSite=Strict cookie (path /api/v1/auth) and left out of the body — for the browser console' })
  @OptionalField()
  @IsIn(REFRESH_IN)
  refreshIn?: RefreshIn;
}

export class UpdateProfileDto extends AccountsUpdateProfile.Payload {}

export class ChangePasswordDto extends PickType(AccountsChangePassword.Payload, ['currentPassword', 'newPassword']) {}

export class CreateMemberDto extends OmitType(AccountsCreateMember.Payload, ['organisationId']) {}

/** A login history's query: the contract's, less the user (the path's, or the caller's own). */
export class HistoryQueryDto extends OmitType(AccountsGetLoginHistory.Payload, ['userId']) {}

/** An institution's users' query: the contract's, less the institution (the path's). */
export class UsersQueryDto extends OmitType(AccountsListUsers.Payload, ['organisationId']) {}

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
