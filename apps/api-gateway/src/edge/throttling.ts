import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { SlidingWindowThrottlerStorage } from './throttler-storage';
import { CREDENTIAL_ENDPOINT_KEY } from '../auth/decorators';
import type { ApiGatewayConfig } from '../config';

/**
 * Two limits per client (the user for authenticated calls, else the address: see EdgeThrottlerGuard):
 * one for all endpoints together, a stricter one for the credential endpoints (the accounts service
 * throttles failed password checks per account and address on top of that). Counters live in this
 * process: behind several edge replicas the effective limit is per replica.
 */
export function throttlerOptions(config: ApiGatewayConfig): ThrottlerModuleOptions {
  const isCredentialEndpoint = (ctx: ExecutionContext) => Reflect.getMetadata(CREDENTIAL_ENDPOINT_KEY, ctx.getHandler()) === true;
  return {
    storage: new SlidingWindowThrottlerStorage(),
    throttlers: [
      { name: 'default', ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE },
      { name: 'credentials', ttl: 60_000, limit: config.AUTH_RATE_LIMIT_PER_MINUTE, skipIf: (ctx) => !isCredentialEndpoint(ctx) },
    ],
    // One counter per client and limit, across endpoints (the default keys per route, which
    // would let a client multiply its allowance by the number of routes; it also hashes every key).
    generateKey: (_ctx, tracker, throttlerName) => `${throttlerName}:${tracker}`,
    // Probes are not rate limited: an orchestrator must always get an answer.
    skipIf: (ctx) => ctx.getType() !== 'http' || ['/health', '/ready'].includes(ctx.switchToHttp().getRequest<{ path: string }>().path),
  };
}
