import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AccessTokenClaims } from '@phdmf/auth';
import type { Role } from '@phdmf/contracts';

export const PUBLIC_KEY = 'phdmf:public';
export const ROLES_KEY = 'phdmf:roles';
export const SAME_ORGANISATION_KEY = 'phdmf:same-organisation';
export const CREDENTIAL_ENDPOINT_KEY = 'phdmf:credential-endpoint';

/** No token needed (registration, login, refresh, logout, probes, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only users holding one of these roles pass (checked after authentication). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * The path parameter names an institution: users pass only for their own institution. A consortium
 * admin passes when the endpoint's @Roles allow consortium admins at all.
 */
export const SameOrganisation = (param: string) => SetMetadata(SAME_ORGANISATION_KEY, param);

/** Endpoints that take credentials get the stricter rate limit. */
export const CredentialEndpoint = () => SetMetadata(CREDENTIAL_ENDPOINT_KEY, true);

/** Where the JWT guard leaves the verified claims on the request. */
export const USER_KEY = Symbol('phdmf.user');

export function userOf(req: object): AccessTokenClaims | undefined {
  return (req as Record<symbol, AccessTokenClaims | undefined>)[USER_KEY];
}

/** The verified claims of the caller. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AccessTokenClaims => {
  const user = userOf(ctx.switchToHttp().getRequest<object>());
  if (!user) throw new Error('CurrentUser used on a public endpoint');
  return user;
});
