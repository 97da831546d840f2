// Exact non-negative rationals for the sampler's parameters (σ², ρ): a number given as a double is
// taken at its shortest decimal spelling (0.1 → 1/10), which is what the person who wrote it meant.

/** An exact rational num/den with den > 0. */
export interface Rational {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** num/den reduced to lowest terms, the denominator positive. */
export function rational(num: bigint, den = 1n): Rational {
  if (den === 0n) throw new RangeError('a rational needs a non-zero denominator');
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den) || 1n;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

/** The exact rational of a finite number's shortest decimal spelling (1e-7 → 1/10000000). */
export function rationalFromNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const [mantissa = '0', exponent = '0'] = x.toString().toLowerCase().split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  let num = BigInt(whole + fraction);
  let den = 10n ** BigInt(fraction.length);
  const e = Number(exponent);
  if (e > 0) num *= 10n ** BigInt(e);
  else den *= 10n ** BigInt(-e);
  return rational(num, den);
}

/** The nearest double (for reporting; never used inside the sampler). */
export function rationalToNumber(r: Rational): number {
  return Number(r.num) / Number(r.den);
}

/** a·b */
export function multiply(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

/** a/b (b ≠ 0) */
export function divide(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den, a.den * b.num);
}

/** a+b */
export function add(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}
