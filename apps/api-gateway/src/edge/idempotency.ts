// Safe retries of the calls that commit to the ledger (issue 17): an `Idempotency-Key` header
// (IETF httpapi draft "The Idempotency-Key HTTP Header Field") makes a retry with the same key, the
// same request and the same user get the first answer instead of a second transaction. The record
// lives in the platform's JetStream key-value bucket (libs/messaging idempotency-bucket.ts), so every
// edge replica sees it; the edge only reads and writes keys.
import { applyDecorators, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { KV, NatsConnection } from 'nats';
import { catchError, from, mergeMap, type Observable } from 'rxjs';
import { CommonErrorCode, httpStatusFor, IdempotencyErrorCode, PhdmfError } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { IDEMPOTENCY_BUCKET } from '@phdmf/messaging';
import { userOf } from '../auth/decorators';
import type { ApiGatewayConfig } from '../config';
import { describeError } from './edge-exception.filter';
import { ApiErrors } from './openapi-errors';

const IDEMPOTENT_KEY = 'phdmf:idempotent';
/** Where the interceptor leaves the request's scoped key for EdgeBus (see {@link idempotencyKeyOf}). */
const SCOPED_KEY = Symbol('phdmf:idempotency-key');
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * The key: the draft makes it a Structured Field string (`"…"`); the bare form most clients send is
 * taken too. 1–255 characters a UUID, a ULID or a base64url nonce is made of.
 */
const KEY_PATTERN = /^(?:"([A-Za-z0-9._~:+/=-]{1,255})"|([A-Za-z0-9._~:+/=-]{1,255}))$/;

/** The operation takes an `Idempotency-Key`: documented as a header parameter with its codes, handled by the interceptor. */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, true),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: false,
      description:
        'Makes a retry safe: a retry with the same key and body (same user, within 24 h) gets the first answer (status and body) and commits nothing again. ' +
        'A retry sent while the first is still being answered waits for that answer and gets it too; the same key with another body: 422 IDEMPOTENCY.KEY_REUSED; ' +
        'still unanswered after COMMIT_REQUEST_TIMEOUT_MS: 409 IDEMPOTENCY.IN_FLIGHT; ' +
        'a malformed key: 400 IDEMPOTENCY.KEY_INVALID. 5xx answers are not kept: their retry runs again, and the ledger, which recorded the key with the commit, answers it with the first commit (same transaction id and block), never a second transaction.',
      schema: { type: 'string', pattern: KEY_PATTERN.source, maxLength: 257 },
    }),
    ApiErrors(IdempotencyErrorCode),
  );

/** What the bucket holds for one key. */
type KeyRecord =
  | { state: 'in-flight'; fingerprint: string; leaseUntil: number }
  | { state: 'answered'; fingerprint: string; status: number; body: unknown }
  | { state: 'refused'; fingerprint: string; error: { code: string; message: string; details?: Readonly<Record<string, unknown>> } };

/** Refusals that may change on a retry (a rate limit, a quota, a late body): not kept. */
const TRANSIENT_STATUSES = new Set([408, 429]);

/** One interceptor for every `@Idempotent()` operation (configure-http.ts registers it globally). */
export class IdempotencyInterceptor implements NestInterceptor {
  private bucket?: Promise<KV>;

  constructor(
    private readonly reflector: Reflector,
    private readonly nc: NatsConnection,
    private readonly config: Pick<ApiGatewayConfig, 'COMMIT_REQUEST_TIMEOUT_MS' | 'IDEMPOTENCY_LEASE_MS'>,
    private readonly logger: Logger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.get<boolean | undefined>(IDEMPOTENT_KEY, context.getHandler()) !== true) return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    if (header === undefined) return next.handle();
    const match = typeof header === 'string' ? KEY_PATTERN.exec(header) : null;
    const key = match?.[1] ?? match?.[2];
    if (key === undefined) throw new PhdmfError(IdempotencyErrorCode.KEY_INVALID, `${IDEMPOTENCY_HEADER} must be one key of 1 to 255 characters (letters, digits, . _ ~ : + / = -), optionally in double quotes`);
    const user = userOf(req);
    // Scoped per user: the same key from two users names two requests.
    const kvKey = sha256(`${user?.userId ?? ''}\u0000${key}`);
    const fingerprint = sha256(`${req.method} ${req.path}\u0000${JSON.stringify(req.body ?? null)}`);
    // What travels to the services and the ledger (the Phdmf-Idempotency-Key header): the user, the key
    // and the request in one SHA-256, so that the ledger answers a retry with the first commit and
    // never mistakes another request (a reused key) for a retry, even once this record has expired.
    (req as Request & { [SCOPED_KEY]?: string })[SCOPED_KEY] = sha256(`${kvKey}\u0000${fingerprint}`);
    return from(this.claimOrUnavailable(kvKey, fingerprint)).pipe(
      mergeMap((claim) => {
        if (claim.replay) return replay(claim.replay, context.switchToHttp().getResponse<{ status(code: number): unknown }>());
        const lease = this.holdLease(kvKey, fingerprint, claim.revision);
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.settle(kvKey, await lease.stop(), { state: 'answered', fingerprint, status: context.switchToHttp().getResponse<{ statusCode: number }>().statusCode, body });
            return body;
          }),
          catchError(async (error: unknown) => {
            const revision = await lease.stop();
            const described = describeError(error);
            const status = httpStatusFor(described.code);
            if (status < 500 && !TRANSIENT_STATUSES.has(status)) await this.settle(kvKey, revision, { state: 'refused', fingerprint, error: described });
            else await this.release(kvKey, revision);
            throw error;
          }),
        );
      }),
    );
  }

  /**
   * Renews the claim's lease while the call runs (every third of IDEMPOTENCY_LEASE_MS), so that the
   * lease can be short: a replica that dies (kill -9, a lost node) stops renewing, and a retry at
   * another replica, or at the restarted one, takes the key over within one lease instead of waiting
   * out the longest deadline. `stop()` ends the renewal and gives the claim's current revision.
   */
  private holdLease(kvKey: string, fingerprint: string, revision: number): { stop(): Promise<number> } {
    let current = revision;
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(async () => {
        try {
          current = await (await this.kv()).update(kvKey, encode({ state: 'in-flight', fingerprint, leaseUntil: Date.now() + this.config.IDEMPOTENCY_LEASE_MS }), current);
        } catch (error) {
          // Settle finds out too (its update at this revision fails and it releases nothing of another's).
          this.logger.warn({ err: error, code: 'IDEMPOTENCY.LEASE_NOT_RENEWED' }, 'an Idempotency-Key lease was not renewed');
        }
      });
    }, Math.max(100, Math.floor(this.config.IDEMPOTENCY_LEASE_MS / 3)));
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await renewing;
        return current;
      },
    };
  }

  /** A bucket that does not answer (NATS down, not provisioned) refuses the call before anything is sent: 503, retryable. */
  private async claimOrUnavailable(kvKey: string, fingerprint: string): Promise<{ revision: number; replay?: undefined } | { replay: KeyRecord }> {
    try {
      return await this.claim(kvKey, fingerprint);
    } catch (error) {
      if (error instanceof PhdmfError) throw error;
      this.logger.error({ err: error, code: CommonErrorCode.UNAVAILABLE }, 'the Idempotency-Key bucket did not answer');
      throw new PhdmfError(CommonErrorCode.UNAVAILABLE, `The ${IDEMPOTENCY_HEADER} record is unavailable; nothing was sent, retry later`, { retryable: true });
    }
  }

  /**
   * Takes the key for this request, or says what to answer instead: the first answer, or a refusal
   * of a reused key. A duplicate that arrives while the first is in flight waits for its answer (20
   * identical requests at once get 20 identical answers); a key whose holder stopped renewing its
   * lease (it died) is taken over, and the call runs again and meets what was committed.
   */
  private async claim(kvKey: string, fingerprint: string): Promise<{ revision: number; replay?: undefined } | { replay: KeyRecord }> {
    const kv = await this.kv();
    const mine = () => encode({ state: 'in-flight', fingerprint, leaseUntil: Date.now() + this.config.IDEMPOTENCY_LEASE_MS });
    const waitUntil = Date.now() + this.config.COMMIT_REQUEST_TIMEOUT_MS;
    for (let poll = 0; ; poll++) {
      if (poll > 0 && Date.now() >= waitUntil) throw new PhdmfError(IdempotencyErrorCode.IN_FLIGHT, `A request with this ${IDEMPOTENCY_HEADER} is still being answered; retry once it is`, { retryAfterSeconds: 1 });
      try {
        return { revision: await kv.create(kvKey, mine()) };
      } catch (error) {
        if (!isWrongLastSequence(error)) throw error;
      }
      const entry = await kv.get(kvKey);
      if (entry === null || entry.operation !== 'PUT') continue; // released meanwhile: create again
      const held = entry.json<KeyRecord>();
      if (held.fingerprint !== fingerprint) throw new PhdmfError(IdempotencyErrorCode.KEY_REUSED, `This ${IDEMPOTENCY_HEADER} was used with another request; use a new key for a new request`);
      if (held.state !== 'in-flight') return { replay: held };
      if (held.leaseUntil <= Date.now()) {
        try {
          return { revision: await kv.update(kvKey, mine(), entry.revision) };
        } catch (error) {
          if (!isWrongLastSequence(error)) throw error;
          continue; // another retry took it over, or the holder renewed or answered: look again
        }
      }
      // Polled, not watched: a watch is a consumer, which the edge's NATS user may not create.
      await sleep(Math.min(25 * 2 ** Math.min(poll, 4), 400));
    }
  }

  /**
   * Keeps the final answer, if the key is still ours. A failure to keep it (an answer larger than a
   * NATS message, the bucket gone) only loses the replay, not the answer: the key is released so
   * that a retry runs again and meets the services' own read-back, rather than waiting out the lease.
   */
  private async settle(kvKey: string, revision: number, record: KeyRecord): Promise<void> {
    try {
      await (await this.kv()).update(kvKey, encode(record), revision);
    } catch (error) {
      this.logger.warn({ err: error, code: 'IDEMPOTENCY.NOT_RECORDED' }, 'the answer of an Idempotency-Key request was not recorded; a retry runs again');
      await this.release(kvKey, revision);
    }
  }

  /** Frees the key after an answer that may change (5xx, 429): the retry runs again and meets what was committed. */
  private async release(kvKey: string, revision: number): Promise<void> {
    try {
      await (await this.kv()).delete(kvKey, { previousSeq: revision });
    } catch (error) {
      this.logger.warn({ err: error, code: 'IDEMPOTENCY.NOT_RELEASED' }, 'an Idempotency-Key was not released; its retry waits for the lease');
    }
  }

  private kv(): Promise<KV> {
    // Bound, not created: the bucket is the platform's (its stream settings are the operator's).
    this.bucket ??= this.nc.jetstream().views.kv(IDEMPOTENCY_BUCKET.name, { bindOnly: true });
    return this.bucket;
  }
}

/** The request's Idempotency-Key scoped to its user and body (a SHA-256), when it sent one to an `@Idempotent()` operation. */
export function idempotencyKeyOf(req: Request): string | undefined {
  return (req as Request & { [SCOPED_KEY]?: string })[SCOPED_KEY];
}

/** The first answer again: a refusal through the one error filter (with this request's id), a success with its status and body. */
function replay(record: KeyRecord, res: { status(code: number): unknown }): Promise<unknown> {
  if (record.state === 'refused') return Promise.reject(new PhdmfError(record.error.code, record.error.message, record.error.details));
  if (record.state === 'answered') {
    res.status(record.status);
    return Promise.resolve(record.body);
  }
  return Promise.reject(new Error('an in-flight record is not an answer'));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function encode(record: KeyRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}

/** A create or update that lost the race (JetStream's expected-last-sequence check, err_code 10071). */
function isWrongLastSequence(error: unknown): boolean {
  const e = error as { api_error?: { err_code?: number }; message?: string } | null;
  return e?.api_error?.err_code === 10071 || /wrong last sequence/i.test(e?.message ?? '');
}
