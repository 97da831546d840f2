// Synthetic data for the dp tests and simulations (not exported from the library's index).
import type { RandomSource } from './random';

/** A uniform double in (0, 1) from a random source (test data only: never for noise). */
function unit(rng: RandomSource): number {
  return (Number(rng.uniform(2n ** 32n)) + 0.5) / 2 ** 32;
}

/** n readings ~ N(mean, sd) rounded to one decimal and kept inside [lo, hi] by redrawing (Box-Muller). */
export function syntheticReadings(rng: RandomSource, n: number, mean: number, sd: number, lo: number, hi: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const x = mean + sd * Math.sqrt(-2 * Math.log(unit(rng))) * Math.cos(2 * Math.PI * unit(rng));
    const v = Math.round(x * 10) / 10;
    if (v >= lo && v <= hi) out.push(v);
  }
  return out;
}
