import { ServiceConfig } from './service-config';
import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('reads and converts valid values, with defaults for the optional ones', () => {
    const config = loadConfig(ServiceConfig, { NATS_URL: 'nats://127.0.0.1:4222', NATS_REQUEST_TIMEOUT_MS: '1500' });
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.NATS_REQUEST_TIMEOUT_MS).toBe(1500);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('refuses a missing required value, naming the variable', () => {
    expect(() => loadConfig(ServiceConfig, {})).toThrow(ConfigError);
    expect(() => loadConfig(ServiceConfig, {})).toThrow(/NATS_URL/);
  });

  it('names every malformed variable at once', () => {
    let error: unknown;
    try {
      loadConfig(ServiceConfig, { NATS_URL: 'http://x', DATABASE_URL: 'mysql://db', LOG_LEVEL: 'loud', NATS_REQUEST_TIMEOUT_MS: 'soon' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['NATS_URL', 'DATABASE_URL', 'LOG_LEVEL', 'NATS_REQUEST_TIMEOUT_MS']) expect(problems).toContain(name);
    expect((error as ConfigError).code).toBe('CONFIG.INVALID');
  });
});
