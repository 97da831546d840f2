import { ConfigError } from '@phdmf/config';
import { loadAccountsConfig } from './config';

const base = { NATS_URL: 'nats://127.0.0.1:4222' };

describe('accounts configuration', () => {
  it('has no default admin password: without one, nothing is bootstrapped', () => {
    const config = loadAccountsConfig(base);
    expect(config.BOOTSTRAP_ADMIN_PASSWORD).toBeUndefined();
    expect(config.BOOTSTRAP_ADMIN_PASSWORD_FILE).toBeUndefined();
    expect(config.ACCESS_TOKEN_TTL_SECONDS).toBe(300);
  });

  it('refuses a half-configured bootstrap, a short password, and both password sources at once', () => {
    expect(() => loadAccountsConfig({ ...base, BOOTSTRAP_ADMIN_PASSWORD: 'a long enough password' })).toThrow(/BOOTSTRAP_ADMIN_EMAIL/);
    expect(() => loadAccountsConfig({ ...base, BOOTSTRAP_ADMIN_EMAIL: 'a@b.test', BOOTSTRAP_ADMIN_PASSWORD: 'short' })).toThrow(ConfigError);
    expect(() =>
      loadAccountsConfig({ ...base, BOOTSTRAP_ADMIN_EMAIL: 'a@b.test', BOOTSTRAP_ADMIN_PASSWORD: 'a long enough password', BOOTSTRAP_ADMIN_PASSWORD_FILE: '/run/secrets/x' }),
    ).toThrow(/not both/);
  });

  it('bounds the token lifetime', () => {
    expect(() => loadAccountsConfig({ ...base, ACCESS_TOKEN_TTL_SECONDS: '86400' })).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
  });
});
