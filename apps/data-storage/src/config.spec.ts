import { ConfigError } from '@phdmf/config';
import { loadDataStorageConfig } from './config';

const required = {
  NATS_URL: 'nats://127.0.0.1:4222',
  NODE_ID: 'node-a',
  ORGANISATION_ID: 'hospital-a',
  NODE_PRIVATE_KEY_FILE: '/etc/phdmf/node-key.pem',
  JWT_ISSUER: 'https://accounts.example.org',
  JWT_AUDIENCE: 'phdmf',
};

function problems(env: Record<string, string>): string {
  try {
    loadDataStorageConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('data-storage config', () => {
  it('defaults the disclosure policy to the consortium floor (DataSHIELD)', () => {
    const config = loadDataStorageConfig(required);
    expect(config.disclosurePolicy).toEqual({ minCount: 3, exactMinMax: false, quantileLow: 0.05, quantileHigh: 0.95, maxHistogramBins: 100, minMaxNoise: 0.05 });
    expect(config.storageDir).toMatch(/storage$/);
  });

  it('lets a site tighten the policy but never loosen it', () => {
    expect(loadDataStorageConfig({ ...required, DISCLOSURE_MIN_COUNT: '10', DISCLOSURE_QUANTILE_LOW: '0.1' }).disclosurePolicy.minCount).toBe(10);
    const refused = problems({ ...required, DISCLOSURE_MIN_COUNT: '2', DISCLOSURE_QUANTILE_LOW: '0.01', DISCLOSURE_QUANTILE_HIGH: '0.99', DISCLOSURE_MAX_HISTOGRAM_BINS: '1000' });
    for (const name of ['DISCLOSURE_MIN_COUNT', 'DISCLOSURE_QUANTILE_LOW', 'DISCLOSURE_QUANTILE_HIGH', 'DISCLOSURE_MAX_HISTOGRAM_BINS']) expect(refused).toContain(name);
  });

  it('requires the node identity and refuses a node id that is not one subject token', () => {
    const missing = problems({ NATS_URL: 'nats://127.0.0.1:4222' });
    for (const name of ['NODE_ID', 'ORGANISATION_ID', 'NODE_PRIVATE_KEY_FILE', 'JWT_ISSUER', 'JWT_AUDIENCE']) expect(missing).toContain(name);
    expect(problems({ ...required, NODE_ID: 'node.a' })).toContain('NODE_ID');
    expect(problems({ ...required, NODE_ID: 'Node-A' })).toContain('NODE_ID');
    expect(problems({ ...required, NODE_ID: '*' })).toContain('NODE_ID');
  });
});
