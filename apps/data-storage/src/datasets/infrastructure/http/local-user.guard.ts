import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { PhdmfError, StorageErrorCode, type Role } from '@phdmf/contracts';
import type { TokenVerifier } from '@phdmf/auth';
import { STORAGE_SETTINGS, type StorageSettings } from '../../../storage.settings';
import type { LocalUser } from '../../domain/local-user';
import { TOKEN_VERIFIER } from '../../storage.tokens';

/** Roles that may use the local API at all; deleting and auditing need the institution admin. */
const LOCAL_ROLES: readonly Role[] = ['institution-admin', 'member'];

export type RequestWithUser = Request & { localUser?: LocalUser };

/**
 * Authenticates every local API call: a bearer token verified against the accounts JWKS (RFC 8725
 * checks in TokenVerifier), from a user of THIS node's organisation with a staff role. A user of any
 * other organisation — or a researcher — never gets a byte of the node's files.
 */
@Injectable()
export class LocalUserGuard implements CanActivate {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithUser>();
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    const claims = await this.verifier.verify(token);
    if (claims.organisationId !== this.settings.organisationId) {
      throw new PhdmfError(StorageErrorCode.FORBIDDEN, "only users of this node's organisation may use its local API");
    }
    const roles = claims.roles.filter((r) => LOCAL_ROLES.includes(r));
    if (roles.length === 0) throw new PhdmfError(StorageErrorCode.FORBIDDEN, 'the local API needs the institution-admin or member role');
    req.localUser = { userId: claims.userId, organisationId: claims.organisationId, roles: claims.roles };
    return true;
  }
}

/** Refuses unless the user is an institution admin (destructive operations). */
export function requireAdmin(user: LocalUser): void {
  if (!user.roles.includes('institution-admin')) {
    throw new PhdmfError(StorageErrorCode.FORBIDDEN, 'this operation needs the institution-admin role');
  }
}
