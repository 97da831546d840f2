import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerRequest, type ThrottlerStorage } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { TokenVerifier } from '@phdmf/auth';
import { Metrics, routeTemplateOf } from '@phdmf/observability';
import { verifiedClaims } from '../auth/request-claims';
import { noteRateLimit } from './rate-limit-headers';

/**
 * Rate limits per user for authenticated calls (the verified token's subject), per address for the
 * rest: many users behind one proxy do not share one allowance, and one user does not get more by
 * spreading over addresses. A missing or invalid token counts against its address. Every answer
 * tells the client where it stands (the IETF `RateLimit-*` fields, `Retry-After` on a 429;
 * rate-limit-headers.ts) instead of the throttler's `X-RateLimit-*` and `Retry-After-<name>`.
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

  /** The throttler's own check (one limit, one counter per client), with the headers written our way. */
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = props;
    const { req, res } = this.getRequestResponse(context);
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, throttler.name ?? 'default');
    const hit = await this.storageService.increment(key, ttl, limit, blockDuration, throttler.name ?? 'default');
    const response = res as unknown as Response;
    if (hit.isBlocked) {
      noteRateLimit(response, { limit, remaining: 0, resetSeconds: hit.timeToBlockExpire });
      response.setHeader('Retry-After', String(hit.timeToBlockExpire));
      await this.throwThrottlingException(context, { limit, ttl, key, tracker, totalHits: hit.totalHits, timeToExpire: hit.timeToExpire, isBlocked: true, timeToBlockExpire: hit.timeToBlockExpire });
    }
    noteRateLimit(response, { limit, remaining: Math.max(0, limit - hit.totalHits), resetSeconds: hit.timeToExpire });
    return true;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    Metrics.throttled.inc({ route: routeTemplateOf(context.switchToHttp().getRequest<Request>()) });
    await super.throwThrottlingException(context, detail);
  }
}
