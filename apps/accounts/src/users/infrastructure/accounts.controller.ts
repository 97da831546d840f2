import { Controller } from '@nestjs/common';
import {
  AccountsAppointInstitutionAdmin,
  AccountsChangePassword,
  AccountsCreateMember,
  AccountsGetCurrentUser,
  AccountsGetJwks,
  AccountsGetLoginHistory,
  AccountsListUsers,
  AccountsLogin,
  AccountsLogout,
  AccountsRefreshToken,
  AccountsRegisterResearcher,
  AccountsUpdateProfile,
  type ActingUser,
} from '@phdmf/contracts';
import { Correlation } from '@phdmf/logging';
import { HandleRequest } from '@phdmf/messaging';
import { AppointInstitutionAdminHandler } from '../commands/appoint-institution-admin/appoint-institution-admin.handler';
import { ChangePasswordHandler } from '../commands/change-password/change-password.handler';
import { CreateMemberHandler } from '../commands/create-member/create-member.handler';
import { LoginHandler } from '../commands/login/login.handler';
import { LogoutHandler } from '../commands/logout/logout.handler';
import { RefreshTokenHandler } from '../commands/refresh-token/refresh-token.handler';
import { RegisterResearcherHandler } from '../commands/register-researcher/register-researcher.handler';
import { UpdateProfileHandler } from '../commands/update-profile/update-profile.handler';
import { GetCurrentUserHandler } from '../queries/get-current-user/get-current-user.handler';
import { GetJwksHandler } from '../queries/get-jwks/get-jwks.handler';
import { GetLoginHistoryHandler } from '../queries/get-login-history/get-login-history.handler';
import { ListUsersHandler } from '../queries/list-users/list-users.handler';

/** The acting user from the message's actor header (set by the REST edge from a verified token). */
function actor(): ActingUser | undefined {
  return Correlation.current()?.actor;
}

/** The accounts service's NATS edge: each contract to its handler, the actor taken from the headers. */
@Controller()
export class AccountsMessageController {
  constructor(
    private readonly registerResearcher: RegisterResearcherHandler,
    private readonly login: LoginHandler,
    private readonly refresh: RefreshTokenHandler,
    private readonly logout: LogoutHandler,
    private readonly updateProfile: UpdateProfileHandler,
    private readonly changePassword: ChangePasswordHandler,
    private readonly createMember: CreateMemberHandler,
    private readonly appoint: AppointInstitutionAdminHandler,
    private readonly currentUser: GetCurrentUserHandler,
    private readonly loginHistory: GetLoginHistoryHandler,
    private readonly listUsers: ListUsersHandler,
    private readonly jwks: GetJwksHandler,
  ) {}

  @HandleRequest(AccountsRegisterResearcher.CONTRACT)
  onRegisterResearcher(p: AccountsRegisterResearcher.Payload) {
    return this.registerResearcher.execute(p);
  }

  @HandleRequest(AccountsLogin.CONTRACT)
  onLogin(p: AccountsLogin.Payload) {
    return this.login.execute(p);
  }

  @HandleRequest(AccountsRefreshToken.CONTRACT)
  onRefresh(p: AccountsRefreshToken.Payload) {
    return this.refresh.execute(p);
  }

  @HandleRequest(AccountsLogout.CONTRACT)
  onLogout(p: AccountsLogout.Payload) {
    return this.logout.execute(p);
  }

  @HandleRequest(AccountsUpdateProfile.CONTRACT)
  onUpdateProfile(p: AccountsUpdateProfile.Payload) {
    return this.updateProfile.execute(p, actor());
  }

  @HandleRequest(AccountsChangePassword.CONTRACT)
  onChangePassword(p: AccountsChangePassword.Payload) {
    return this.changePassword.execute(p, actor());
  }

  @HandleRequest(AccountsCreateMember.CONTRACT)
  onCreateMember(p: AccountsCreateMember.Payload) {
    return this.createMember.execute(p, actor());
  }

  @HandleRequest(AccountsAppointInstitutionAdmin.CONTRACT)
  onAppoint(p: AccountsAppointInstitutionAdmin.Payload) {
    return this.appoint.execute(p, actor());
  }

  @HandleRequest(AccountsGetCurrentUser.CONTRACT)
  onCurrentUser() {
    return this.currentUser.execute(actor());
  }

  @HandleRequest(AccountsGetLoginHistory.CONTRACT)
  onLoginHistory(p: AccountsGetLoginHistory.Payload) {
    return this.loginHistory.execute(p, actor());
  }

  @HandleRequest(AccountsListUsers.CONTRACT)
  onListUsers(p: AccountsListUsers.Payload) {
    return this.listUsers.execute(p, actor());
  }

  @HandleRequest(AccountsGetJwks.CONTRACT)
  onJwks() {
    return this.jwks.execute();
  }
}
