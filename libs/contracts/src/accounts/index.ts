// The accounts service's wire contracts. Namespaces carry SUBJECT, Payload, Result and CONTRACT.
export * from './lib/errors';
export * from './lib/views';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './lib/validation';

export * as AccountsRegisterResearcher from './commands/register-researcher';
export * as AccountsLogin from './commands/login';
export * as AccountsRefreshToken from './commands/refresh-token';
export * as AccountsLogout from './commands/logout';
export * as AccountsUpdateProfile from './commands/update-profile';
export * as AccountsChangePassword from './commands/change-password';
export * as AccountsCreateMember from './commands/create-member';
export * as AccountsAppointInstitutionAdmin from './commands/appoint-institution-admin';

export * as AccountsGetCurrentUser from './queries/get-current-user';
export * as AccountsGetLoginHistory from './queries/get-login-history';
export * as AccountsListUsers from './queries/list-users';
export * as AccountsGetJwks from './queries/get-jwks';
