import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { TokenVerifier } from '@phdmf/auth';
import { PhdmfError, type Role } from '@phdmf/contracts';
import { EdgeErrorCode } from '../edge/error-status';
import { verifiedClaims } from './request-claims';
import { PUBLIC_KEY, ROLES_KEY, SAME_ORGANISATION_KEY, USER_KEY, userOf } from './decorators';

/**
 * Every endpoint needs a valid access token unless marked @Public. Verification is local (keys
 * from the accounts JWKS, cached): no call to accounts per request.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    (req as unknown as Record<symbol, unknown>)[USER_KEY] = await verifiedClaims(req, this.verifier);
    return true;
  }
}

/** Role and organisation checks at the edge; the owning service checks again from the actor header. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const user = userOf(req);
    if (!user) return false;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.some((r) => user.roles.includes(r))) {
      throw new PhdmfError(EdgeErrorCode.FORBIDDEN, 'Your role may not use this endpoint', { requiredRoles: roles });
    }
    const param = this.reflector.getAllAndOverride<string | undefined>(SAME_ORGANISATION_KEY, targets);
    if (param) {
      const organisationId = req.params[param];
      const consortiumAdmin = user.roles.includes('consortium-admin') && (!roles || roles.includes('consortium-admin'));
      if (!consortiumAdmin && (user.organisationId === undefined || user.organisationId !== organisationId)) {
        throw new PhdmfError(EdgeErrorCode.FORBIDDEN, 'This belongs to another institution');
      }
    }
    return true;
  }
}
