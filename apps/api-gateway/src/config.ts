import { Type } from 'class-transformer';
import { IsIn, IsInt, IsIP, IsString, Length, Matches, Max, Min } from 'class-validator';
import { loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the REST edge, read from the environment and validated at start. */
export class ApiGatewayConfig extends ServiceConfig {
  /** Loopback by default: exposing the edge is a deliberate act (an ingress, a reverse proxy). */
  @IsIP()
  HTTP_HOST = '127.0.0.1';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65_535)
  HTTP_PORT = 3000;

  /** Must equal the accounts service's AUTH_ISSUER: tokens from any other issuer are refused. */
  @IsString()
  @Length(1, 200)
  AUTH_ISSUER = 'phdmf-accounts';

  /** Must equal the accounts service's AUTH_AUDIENCE. */
  @IsString()
  @Length(1, 200)
  AUTH_AUDIENCE = 'phdmf-api';

  /**
   * Origins allowed to call the API from a browser, comma-separated (e.g. https://console.example.org).
   * Empty (the default) allows no cross-origin calls at all; `*` is refused on purpose.
   */
  @Matches(/^$|^https?:\/\/[^\s,*]+(,https?:\/\/[^\s,*]+)*$/, { message: 'must be empty or a comma-separated list of http(s) origins (no wildcard)' })
  CORS_ORIGINS = '';

  /** Largest request body accepted, in bytes (a node public key PEM is the largest legitimate field). */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(10_485_760)
  HTTP_BODY_LIMIT_BYTES = 32_768;

  /** Requests per user (authenticated) or client address (anonymous) per minute, for every endpoint. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Requests per user or client address per minute to the credential endpoints (register, login, refresh, logout). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  AUTH_RATE_LIMIT_PER_MINUTE = 30;

  /**
   * Express's `trust proxy`: how the client address is found behind a reverse proxy. `false` (the
   * default) uses the socket's address; a hop count (`1`) or a subnet list trusts X-Forwarded-For that far.
   */
  @IsString()
  @Length(1, 500)
  HTTP_TRUST_PROXY = 'false';

  /** How long the edge keeps the accounts service's public keys before asking again. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  JWKS_CACHE_TTL_MS = 600_000;

  /**
   * How long the edge waits for a call answered only once its ledger transaction is committed
   * (seconds on Fabric): an admission or rejection, a node change, a dataset's stance, an access
   * request or decision. A little over the services' own ledger deadline (30 s), so their answer —
   * committed, or its coded failure — arrives first.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  COMMIT_REQUEST_TIMEOUT_MS = 35_000;

  /**
   * How long the edge waits for an analysis: every site computes its summary (files of millions of
   * rows) and the ledger commits the record. This deadline travels with the request (Phdmf-Deadline):
   * the aggregation service asks the sites and the ledger with what is left of it (or its own caps,
   * SITE_TIMEOUT_MS and LEDGER_COMMAND_TIMEOUT_MS, when shorter), so it need not be kept above their sum.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  ANALYSIS_REQUEST_TIMEOUT_MS = 180_000;

  /**
   * How long an Idempotency-Key claim holds without renewal. The replica answering the call renews it
   * every third of this while the call runs; one that dies stops, and a retry takes the key over
   * (and runs the call again, meeting what was committed) once this has passed.
   */
  @Type(() => Number)
  @IsInt()
  @Min(300)
  @Max(600_000)
  IDEMPOTENCY_LEASE_MS = 10_000;

  /** Serve the OpenAPI document and the browsable docs page. */
  @IsIn(['true', 'false'])
  OPENAPI_ENABLED: 'true' | 'false' = 'true';

  /**
   * The built web console (index.html and assets/), served at `/` with the SPA fallback; empty (the
   * default) serves none. `npm start` points it at dist/apps/web-console.
   */
  @IsString()
  @Length(0, 1_000)
  CONSOLE_DIR = '';

  /**
   * Origins besides the edge's own that the console's pages may connect to (its Content-Security-Policy
   * connect-src), comma-separated: the storage sites users upload to directly.
   */
  @Matches(/^$|^https?:\/\/[^\s,*]+(,https?:\/\/[^\s,*]+)*$/, { message: 'must be empty or a comma-separated list of http(s) origins (no wildcard)' })
  CONSOLE_CONNECT_ORIGINS = '';

  get consoleConnectOrigins(): string[] {
    return this.CONSOLE_CONNECT_ORIGINS.split(',').filter((o) => o.length > 0);
  }

  get corsOrigins(): string[] {
    return this.CORS_ORIGINS.split(',').filter((o) => o.length > 0);
  }

  get trustProxy(): boolean | number | string {
    if (this.HTTP_TRUST_PROXY === 'false') return false;
    if (this.HTTP_TRUST_PROXY === 'true') return true;
    return /^\d+$/.test(this.HTTP_TRUST_PROXY) ? Number(this.HTTP_TRUST_PROXY) : this.HTTP_TRUST_PROXY;
  }
}

export function loadApiGatewayConfig(env: NodeJS.ProcessEnv = process.env): ApiGatewayConfig {
  return loadConfig(ApiGatewayConfig, env);
}
