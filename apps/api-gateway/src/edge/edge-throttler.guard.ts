import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { TokenVerifier } from '@phdmf/auth';
import { Metrics, routeTemplateOf } from '@phdmf/observability';
import { verifiedClaims } from '../auth/request-claims';

/**
 * Rate limits per user for authenticated calls (the verified token's subject), per address for the
 * rest: many users behind one proxy do not share one allowance, and one user does not get more by
 * spreading over addresses. A missing or invalid token counts against its address.
 */
@Injectable()
export class EdgeThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as Request;
    if (request.headers.authorization) {
      const subject = await verifiedClaims(request, this.verifier).then(
        (claims) => claims.userId,
        () => undefined,
      );
      if (subject) return `user:${subject}`;
    }
    return `address:${request.ip ?? 'unknown'}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    Metrics.throttled.inc({ route: routeTemplateOf(context.switchToHttp().getRequest<Request>()) });
    await super.throwThrottlingException(context, detail);
  }
}
