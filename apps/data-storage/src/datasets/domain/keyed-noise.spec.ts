import { KeyedNoise, type NoiseKey } from './keyed-noise';

const key: NoiseKey = { datasetId: 'ds-1', datasetVersion: 1, grantRequestId: 'rq-1', column: 'sbp', statistic: 'min' };

describe('KeyedNoise', () => {
  it('gives the same number for the same key, and another for any other key or secret', () => {
    const noise = new KeyedNoise(Buffer.alloc(32, 7));
    const u = noise.uniform(key);
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThan(1);
    expect(noise.uniform({ ...key })).toBe(u);
    for (const other of [{ datasetVersion: 2 }, { grantRequestId: 'rq-2' }, { column: 'dbp' }, { statistic: 'max' }]) {
      expect(noise.uniform({ ...key, ...other })).not.toBe(u);
    }
    expect(new KeyedNoise(Buffer.alloc(32, 8)).uniform(key)).not.toBe(u);
  });

  it('refuses a secret too short to keep the noise unpredictable', () => {
    expect(() => new KeyedNoise(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
