import { cryptoRandom, seededRandom, type RandomSource } from './random';
import { rationalFromNumber } from './rational';

function chiSquareUniform(rng: RandomSource, n: bigint, draws: number): number {
  const cells = Number(n);
  const counts = new Array<number>(cells).fill(0);
  let outside = 0;
  for (let i = 0; i < draws; i++) {
    const x = Number(rng.uniform(n));
    if (x < 0 || x >= cells || !Number.isInteger(x)) outside++;
    else counts[x] = (counts[x] ?? 0) + 1;
  }
  expect(outside).toBe(0);
  const expected = draws / cells;
  return counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
}

describe('random sources', () => {
  // χ² critical values at p = 0.001 for 6 and 99 degrees of freedom.
  it.each([
    ['node:crypto', cryptoRandom],
    ['seeded', seededRandom(1)],
  ] as const)('%s: uniform(7) and uniform(100) pass a χ² test of uniformity', (_name, rng) => {
    expect(chiSquareUniform(rng, 7n, 14_000)).toBeLessThan(22.46);
    expect(chiSquareUniform(rng, 100n, 50_000)).toBeLessThan(148.23);
  });

  it.each([
    ['node:crypto', cryptoRandom],
    ['seeded', seededRandom(2)],
  ] as const)('%s: bounds beyond 2^48 and 2^32 stay below the bound, their top bit fair', (_name, rng) => {
    for (const n of [2n ** 48n + 5n, 3n * 2n ** 100n, 2n ** 32n + 1n]) {
      let high = 0;
      let outside = 0;
      const draws = 4000;
      for (let i = 0; i < draws; i++) {
        const x = rng.uniform(n);
        if (x < 0n || x >= n) outside++;
        if (x >= n / 2n) high++;
      }
      expect(outside).toBe(0);
      expect(Math.abs(high / draws - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / draws));
    }
  });

  it('uniform(1) is 0 and uniform(0) is refused', () => {
    expect(cryptoRandom.uniform(1n)).toBe(0n);
    expect(() => cryptoRandom.uniform(0n)).toThrow(RangeError);
    expect(() => seededRandom(1).uniform(-3n)).toThrow(RangeError);
  });
});

describe('rationalFromNumber', () => {
  it.each([
    [0.1, 1n, 10n],
    [12.25, 49n, 4n],
    [1e-7, 1n, 10_000_000n],
    [3, 3n, 1n],
    [2.5e21, 2_500_000_000_000_000_000_000n, 1n],
    [-0.75, -3n, 4n],
  ])('%p is %p/%p', (x, num, den) => {
    expect(rationalFromNumber(x)).toEqual({ num, den });
  });

  it('refuses non-finite numbers', () => {
    expect(() => rationalFromNumber(Infinity)).toThrow(RangeError);
    expect(() => rationalFromNumber(NaN)).toThrow(RangeError);
  });
});
