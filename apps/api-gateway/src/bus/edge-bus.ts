import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import type { PayloadOf, RequestContract, ResultOf } from '@phdmf/contracts';
import { Correlation, type CorrelationScope } from '@phdmf/logging';
import { MessageBus, type RequestOptions } from '@phdmf/messaging';
import { ApiGatewayConfig } from '../config';
import { idempotencyKeyOf } from '../edge/idempotency';
import { requestIdOf } from '../edge/request-id';
import { context } from '@opentelemetry/api';
import { traceContextOf } from '@phdmf/observability';

/**
 * Turns an HTTP call into a NATS request: the request id becomes the correlation id, and the
 * verified token's subject, organisation and roles become the actor header the service trusts.
 *
 * Requests are sent in small batches: those that arrive within one turn of the event loop are
 * published together from one callback, so the NATS client writes them to its socket in one
 * system call instead of one each. Under load that halves the edge's system calls per request; an
 * idle edge waits one `setImmediate` (microseconds).
 */
@Injectable()
export class EdgeBus {
  private pending: (() => void)[] = [];
  private scheduled = false;

  constructor(
    private readonly bus: MessageBus,
    private readonly config: ApiGatewayConfig,
  ) {}

  /**
   * A call answered only once its ledger transaction is committed (an admission, a node change, a
   * stance, an access request or decision): it waits COMMIT_REQUEST_TIMEOUT_MS, not the bus's
   * default, which is meant for reads and would answer 504 while the commit is still on its way.
   */
  requestCommitted<C extends RequestContract<object, unknown>>(req: Request, contract: C, payload: PayloadOf<C>, user: AccessTokenClaims): Promise<ResultOf<C>> {
    return this.request(req, contract, payload, user, { timeoutMs: this.config.COMMIT_REQUEST_TIMEOUT_MS });
  }

  /** `timeoutMs` overrides the bus deadline for calls answered only after a ledger commit or a site computation. */
  request<C extends RequestContract<object, unknown>>(
    req: Request,
    contract: C,
    payload: PayloadOf<C>,
    user?: AccessTokenClaims,
    options: Pick<RequestOptions, 'timeoutMs'> = {},
  ): Promise<ResultOf<C>> {
    const actor = user ? { userId: user.userId, roles: [...user.roles], ...(user.organisationId ? { organisationId: user.organisationId } : {}) } : undefined;
    const idempotencyKey = idempotencyKeyOf(req);
    const scope: CorrelationScope = { correlationId: requestIdOf(req) ?? 'edge', ...(actor ? { actor } : {}), ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) };
    return new Promise<ResultOf<C>>((resolve, reject) => {
      this.pending.push(() => {
        // In the HTTP request's trace (libs/observability): the NATS request becomes its child span.
        context.with(traceContextOf(req), () => Correlation.run(scope, () => this.bus.request(contract, payload, options))).then(resolve, reject);
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    for (const send of batch) send();
  }
}
