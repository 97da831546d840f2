import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Length, Max, Min, MinLength } from 'class-validator';
import { ConfigError, isProduction, loadConfig, ServiceConfig } from '@phdmf/config';

/** Configuration of the accounts service, read from the environment and validated at start. */
export class AccountsConfig extends ServiceConfig {
  /**
   * The consortium admin created on first start (when no consortium admin exists yet). There is no
   * default password: without BOOTSTRAP_ADMIN_PASSWORD or BOOTSTRAP_ADMIN_PASSWORD_FILE no admin is
   * created and the service says so in its log.
   */
  @IsOptional()
  @IsEmail()
  BOOTSTRAP_ADMIN_EMAIL?: string;

  /** The bootstrap admin's password (at least 12 characters). Prefer the _FILE variant in production. */
  @IsOptional()
  @IsString()
  @Length(12, 128)
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  /** A file holding the bootstrap admin's password (a Kubernetes secret mount, say); trailing newline ignored. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  BOOTSTRAP_ADMIN_PASSWORD_FILE?: string;

  /**
   * A file holding the key-encryption key of the token-signing keys (32 random bytes, base64:
   * `openssl rand -base64 32`). With it the private signing keys are stored encrypted, so the
   * database alone cannot mint tokens; without it they are stored in plain (the log says so), which
   * only a developer's machine may do: in production (NODE_ENV=production) the service refuses to
   * start without it. Keep it out of the database's backups; losing it means rotating to a new
   * signing key.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  SIGNING_KEY_ENCRYPTION_KEY_FILE?: string;

  /** `iss` of the access tokens; every verifier must be configured with the same value. */
  @IsString()
  @Length(1, 200)
  AUTH_ISSUER = 'phdmf-accounts';

  /** `aud` of the access tokens. */
  @IsString()
  @Length(1, 200)
  AUTH_AUDIENCE = 'phdmf-api';

  /** Access tokens are short-lived: revocation of a session takes effect within this time. */
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(3_600)
  ACCESS_TOKEN_TTL_SECONDS = 300;

  /** A refresh token family (a session) ends this long after login, however often it rotates. */
  @Type(() => Number)
  @IsInt()
  @Min(300)
  @Max(90 * 86_400)
  REFRESH_TOKEN_TTL_SECONDS = 7 * 86_400;

  /**
   * Failed password checks (logins and password changes) against one account, from addresses it has
   * never logged in from, within the window before each further attempt waits (a delay that doubles
   * with every further failure). The account's owner, from an address they have logged in from
   * before, is not held back by these.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;

  /** Failed password checks against one account from one address before each further attempt from there waits. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS = 5;

  /**
   * Failed password checks from one address, over all accounts, before attempts from there (for
   * accounts that never logged in from it) wait: a ceiling for many users behind one proxy.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  LOGIN_MAX_FAILURES_PER_ADDRESS = 100;

  /** The first wait once a limit above is reached; each further failure doubles it, up to the window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_THROTTLE_BASE_DELAY_SECONDS = 15;

  /** Failures older than this are not counted; also the longest wait. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_THROTTLE_WINDOW_SECONDS = 900;
}

export function loadAccountsConfig(env: NodeJS.ProcessEnv = process.env): AccountsConfig {
  const config = loadConfig(AccountsConfig, env);
  const problems: string[] = [];
  // A half-configured bootstrap fails at start rather than silently creating no admin.
  if ((config.BOOTSTRAP_ADMIN_PASSWORD ?? config.BOOTSTRAP_ADMIN_PASSWORD_FILE) !== undefined && config.BOOTSTRAP_ADMIN_EMAIL === undefined) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL: required when BOOTSTRAP_ADMIN_PASSWORD or BOOTSTRAP_ADMIN_PASSWORD_FILE is set');
  }
  if (config.BOOTSTRAP_ADMIN_PASSWORD !== undefined && config.BOOTSTRAP_ADMIN_PASSWORD_FILE !== undefined) {
    problems.push('BOOTSTRAP_ADMIN_PASSWORD_FILE: set either it or BOOTSTRAP_ADMIN_PASSWORD, not both');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The configuration the service starts with. In production the token-signing keys are never stored in
 * plain: without a key-encryption key the service does not start. (The migration step does not
 * touch the keys and loads {@link loadAccountsConfig} only.)
 */
export function loadAccountsServiceConfig(env: NodeJS.ProcessEnv = process.env): AccountsConfig {
  const config = loadAccountsConfig(env);
  if (isProduction(config) && config.SIGNING_KEY_ENCRYPTION_KEY_FILE === undefined) {
    throw new ConfigError([
      'SIGNING_KEY_ENCRYPTION_KEY_FILE: required in production (NODE_ENV=production): without it the token-signing keys would be stored unencrypted in the database; create one with `openssl rand -base64 32`',
    ]);
  }
  return config;
}
