import { loadApiGatewayConfig } from './config';

const base = { NATS_URL: 'nats://127.0.0.1:4222' };

describe('REST edge configuration', () => {
  it('allows no cross-origin calls by default and refuses a wildcard', () => {
    expect(loadApiGatewayConfig(base).corsOrigins).toEqual([]);
    expect(loadApiGatewayConfig({ ...base, CORS_ORIGINS: 'https://a.test,https://b.test:8443' }).corsOrigins).toEqual(['https://a.test', 'https://b.test:8443']);
    expect(() => loadApiGatewayConfig({ ...base, CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });

  it('reads trust proxy as Express expects it', () => {
    expect(loadApiGatewayConfig(base).trustProxy).toBe(false);
    expect(loadApiGatewayConfig({ ...base, HTTP_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadApiGatewayConfig({ ...base, HTTP_TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toBe('10.0.0.0/8');
  });
});
