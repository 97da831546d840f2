import { Module, type Provider, type Type } from '@nestjs/common';
import { BootstrapAdmin } from './bootstrap/bootstrap-admin';
import { AppointInstitutionAdminHandler } from './commands/appoint-institution-admin/appoint-institution-admin.handler';
import { ChangePasswordHandler } from './commands/change-password/change-password.handler';
import { CreateMemberHandler } from './commands/create-member/create-member.handler';
import { LoginHandler } from './commands/login/login.handler';
import { LogoutHandler } from './commands/logout/logout.handler';
import { RefreshTokenHandler } from './commands/refresh-token/refresh-token.handler';
import { RegisterResearcherHandler } from './commands/register-researcher/register-researcher.handler';
import { UpdateProfileHandler } from './commands/update-profile/update-profile.handler';
import { PasswordAttempts } from './infrastructure/password-attempts';
import { PasswordHasher } from './infrastructure/password-hasher';
import { SigningKeys } from './infrastructure/signing-keys';
import { TokenService } from './infrastructure/token-service';
import { UserFactory } from './infrastructure/user-factory';
import { UserReader } from './infrastructure/user-reader';
import { GetCurrentUserHandler } from './queries/get-current-user/get-current-user.handler';
import { GetJwksHandler } from './queries/get-jwks/get-jwks.handler';
import { GetLoginHistoryHandler } from './queries/get-login-history/get-login-history.handler';
import { ListUsersHandler } from './queries/list-users/list-users.handler';

const commandHandlers: Type[] = [
  RegisterResearcherHandler,
  LoginHandler,
  RefreshTokenHandler,
  LogoutHandler,
  UpdateProfileHandler,
  ChangePasswordHandler,
  CreateMemberHandler,
  AppointInstitutionAdminHandler,
];
const queryHandlers: Type[] = [GetCurrentUserHandler, GetLoginHistoryHandler, ListUsersHandler, GetJwksHandler];
const infrastructure: Provider[] = [PasswordAttempts, PasswordHasher, SigningKeys, TokenService, UserFactory, UserReader, BootstrapAdmin];

/** Users, sessions, login history and token signing. Config and logger come from the app module. */
@Module({
  controllers: [...commandHandlers, ...queryHandlers],
  providers: infrastructure,
})
export class UsersModule {}
