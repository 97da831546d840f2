import { ConfigError } from '@phdmf/config';
import { loadAggregationConfig } from './config';

const required = { NATS_URL: 'nats://127.0.0.1:4222' };

function problems(env: Record<string, string>): string {
  try {
    loadAggregationConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('aggregation config', () => {
  it('defaults the pool threshold to the consortium floor and gives sites a deadline', () => {
    const config = loadAggregationConfig(required);
    expect(config.POOL_MIN_COUNT).toBe(3);
    expect(config.SITE_TIMEOUT_MS).toBe(120_000);
  });

  it('lets the pool threshold be raised, never lowered below the floor', () => {
    expect(loadAggregationConfig({ ...required, POOL_MIN_COUNT: '10' }).POOL_MIN_COUNT).toBe(10);
    expect(problems({ ...required, POOL_MIN_COUNT: '2' })).toMatch(/POOL_MIN_COUNT.*minimum of 3/);
    expect(problems({ ...required, POOL_MIN_COUNT: 'many' })).toMatch(/POOL_MIN_COUNT/);
    expect(problems({ ...required, SITE_TIMEOUT_MS: '5' })).toMatch(/SITE_TIMEOUT_MS/);
  });
});
