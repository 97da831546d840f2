// What every call goes through, under openapi-fetch: the access token (signing in lazily, refreshing
// once on an expired token and trying again), and retries with backoff on 429/503 honouring
// Retry-After (and on 409 IDEMPOTENCY.IN_FLIGHT for a keyed call). A call is one Request; each try sends a clone of it, so its body and its
// Idempotency-Key are the same on every try.
import { PhdmfApiError } from './errors';
import { backoffMs, RETRY_STATUSES, retryAfterMs, retryDefaults, sleep, type RetryOptions } from './retry';

/** The tokens of a session (what sign-in and refresh answer). */
export interface Tokens {
  accessToken: string;
  /** Single use: each refresh answers a new one. */
  refreshToken?: string;
  /** When the access token expires (ms since the epoch), when known. */
  expiresAt?: number;
}

/** Email and password of an account. */
export interface Credentials {
  email: string;
  password: string;
}

/** The fetch the client sends with: the global one, or one the caller gives (tests, SSR, a proxy). */
export type FetchLike = (request: Request) => Promise<Response>;

export interface TransportOptions {
  baseUrl: string;
  credentials?: Credentials;
  tokens?: Tokens;
  fetch?: FetchLike;
  retry?: RetryOptions;
  /** Told of every new pair of tokens (to keep them), and of their end (undefined). */
  onTokens?: (tokens: Tokens | undefined) => void;
}

/** The token answer of login and refresh (the TokenResponse schema). */
interface TokenAnswer {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

// A token this close to its expiry is refreshed before it is sent rather than refused after.
const EXPIRY_MARGIN_MS = 5_000;
const SIGN_IN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const LOGOUT = '/api/v1/auth/logout';

export class Transport {
  private tokens: Tokens | undefined;
  private renewing: Promise<void> | undefined;
  private readonly retry: Required<RetryOptions>;
  private readonly baseFetch: FetchLike;
  readonly baseUrl: string;

  constructor(private readonly o: TransportOptions) {
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    this.tokens = o.tokens;
    this.retry = retryDefaults(o.retry);
    // Bound: a browser's fetch refuses to be called on another `this`.
    this.baseFetch = o.fetch ?? ((request) => globalThis.fetch(request));
  }

  currentTokens(): Tokens | undefined {
    return this.tokens;
  }

  /** Signs in with the given credentials, or the client's own. */
  async signIn(credentials: Credentials | undefined = this.o.credentials): Promise<Tokens> {
    if (credentials === undefined) throw new Error('signIn: no credentials given to the client or the call');
    const answer = await this.tokenCall(SIGN_IN, { email: credentials.email, password: credentials.password });
    return this.keep(answer);
  }

  /** Ends the session (its refresh token) and forgets the tokens. */
  async signOut(): Promise<void> {
    const refreshToken = this.tokens?.refreshToken;
    this.tokens = undefined;
    this.o.onTokens?.(undefined);
    if (refreshToken === undefined) return;
    const response = await this.send(this.jsonRequest(LOGOUT, { refreshToken }), { auth: false });
    if (!response.ok) throw await PhdmfApiError.fromResponse(response);
  }

  /**
   * Sends one call with the session's token, retrying as the file's comment says. Answers the last
   * response, whatever its status (openapi-fetch reads it).
   */
  async send(request: Request, o: { auth?: boolean; retry?: boolean } = {}): Promise<Response> {
    const auth = o.auth ?? true;
    const repeatable = o.retry ?? true;
    const safeToRepeatOnNetworkError = request.method === 'GET' || request.method === 'HEAD' || request.headers.has('Idempotency-Key');
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      const token = auth ? await this.accessToken() : undefined;
      const headers = new Headers(request.headers);
      if (token !== undefined && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
      let response: Response;
      try {
        response = await this.baseFetch(new Request(request.clone(), { headers }));
      } catch (error) {
        if (!repeatable || request.signal.aborted || !safeToRepeatOnNetworkError || attempt >= this.retry.attempts) throw error;
        await sleep(backoffMs(attempt, this.retry), request.signal);
        continue;
      }
      if (response.status === 401 && token !== undefined && !renewed && (await codeOf(response)) === 'AUTH.TOKEN_EXPIRED' && this.canRenew()) {
        renewed = true;
        await response.body?.cancel();
        await this.renew(token);
        attempt -= 1; // a refresh is not a retry
        continue;
      }
      if (repeatable && attempt < this.retry.attempts && (RETRY_STATUSES.includes(response.status) || (await this.firstStillAnswering(request, response)))) {
        const after = retryAfterMs(response.headers.get('Retry-After'));
        if (after === undefined || after <= this.retry.maxRetryAfterMs) {
          await response.body?.cancel();
          await sleep(after ?? backoffMs(attempt, this.retry), request.signal);
          continue;
        }
      }
      return response;
    }
  }

  /**
   * A retry of a keyed call that arrived while the first try is still being answered (after a lost
   * connection): 409 IDEMPOTENCY.IN_FLIGHT; once the first is answered, a retry gets its answer.
   */
  private async firstStillAnswering(request: Request, response: Response): Promise<boolean> {
    return response.status === 409 && request.headers.has('Idempotency-Key') && (await codeOf(response)) === 'IDEMPOTENCY.IN_FLIGHT';
  }

  /** The access token to send: signs in first when the client has credentials and no token, refreshes one about to expire. */
  private async accessToken(): Promise<string | undefined> {
    if (this.tokens === undefined && this.o.credentials !== undefined) {
      await this.single(() => this.signIn().then(() => undefined));
    }
    const tokens = this.tokens;
    if (tokens?.expiresAt !== undefined && tokens.expiresAt - EXPIRY_MARGIN_MS <= Date.now() && this.canRenew()) {
      await this.renew(tokens.accessToken);
    }
    return this.tokens?.accessToken;
  }

  private canRenew(): boolean {
    return this.tokens?.refreshToken !== undefined || this.o.credentials !== undefined;
  }

  /**
   * A new access token in place of `stale`: by the refresh token, or by signing in again when that
   * is refused and the client has credentials. Concurrent calls share one renewal (a refresh token
   * is single use: a second refresh with it would revoke the session).
   */
  private renew(stale: string): Promise<void> {
    return this.single(async () => {
      if (this.tokens !== undefined && this.tokens.accessToken !== stale) return; // another call renewed it
      const refreshToken = this.tokens?.refreshToken;
      if (refreshToken !== undefined) {
        try {
          this.keep(await this.tokenCall(REFRESH, { refreshToken }));
          return;
        } catch (error) {
          if (this.o.credentials === undefined || !(error instanceof PhdmfApiError) || error.status !== 401) throw error;
        }
      }
      await this.signIn();
    });
  }

  private single(work: () => Promise<void>): Promise<void> {
    this.renewing ??= work().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async tokenCall(path: string, body: unknown): Promise<TokenAnswer> {
    const response = await this.send(this.jsonRequest(path, body), { auth: false });
    if (!response.ok) throw await PhdmfApiError.fromResponse(response);
    return (await response.json()) as TokenAnswer;
  }

  private keep(answer: TokenAnswer): Tokens {
    this.tokens = { accessToken: answer.accessToken, refreshToken: answer.refreshToken, expiresAt: Date.now() + answer.expiresIn * 1000 };
    this.o.onTokens?.(this.tokens);
    return this.tokens;
  }

  private jsonRequest(path: string, body: unknown): Request {
    return new Request(`${this.baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
  }
}

/** The API error code of an answer, read from a clone (the answer itself stays unread). */
async function codeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}
