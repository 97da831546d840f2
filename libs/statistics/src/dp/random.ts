// The one source of randomness of the dp mode. Every draw is a uniform integer below a bound,
// obtained by rejection from random bits, so no floating point touches the noise (a sampler that
// goes through doubles leaks through their low bits: Mironov 2012).
import { randomBytes, randomInt } from 'node:crypto';

/** Uniform integers: the only randomness the samplers use (injected so tests can seed it). */
export interface RandomSource {
  /** A uniform integer in [0, n); n ≥ 1. */
  uniform(n: bigint): bigint;
}

// crypto.randomInt accepts ranges below 2^48 and rejects internally (uniform, not modulo-biased).
const RANDOM_INT_LIMIT = 2n ** 48n;

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** Uniform in [0, n) from a byte source, by masking to n's bit length and rejecting (expected < 2 tries). */
function uniformFromBytes(n: bigint, bytes: (count: number) => Uint8Array): bigint {
  const bits = bitLength(n - 1n);
  const count = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    const b = bytes(count);
    let x = 0n;
    for (const byte of b) x = (x << 8n) | BigInt(byte);
    x &= mask;
    if (x < n) return x;
  }
}

function checkBound(n: bigint): void {
  if (n < 1n) throw new RangeError(`uniform(n) needs n ≥ 1, got ${n}`);
}

/** The production source: node:crypto (the operating system's CSPRNG). */
export const cryptoRandom: RandomSource = {
  uniform(n: bigint): bigint {
    checkBound(n);
    if (n === 1n) return 0n;
    if (n < RANDOM_INT_LIMIT) return BigInt(randomInt(Number(n)));
    return uniformFromBytes(n, (count) => randomBytes(count));
  },
};

/**
 * A deterministic source for tests and simulations ONLY (never for released numbers): sfc32
 * (Doty-Humphrey's small fast counting generator, 32-bit words), seeded from one integer.
 */
export function seededRandom(seed: number): RandomSource {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return {
    uniform(n: bigint): bigint {
      checkBound(n);
      if (n === 1n) return 0n;
      if (n <= 0x100000000n) {
        // Rejection on one 32-bit word: accept below the largest multiple of n.
        const m = Number(n);
        const limit = 0x100000000 - (0x100000000 % m);
        for (;;) {
          const w = next();
          if (w < limit) return BigInt(w % m);
        }
      }
      return uniformFromBytes(n, (count) => {
        const out = new Uint8Array(count);
        for (let i = 0; i < count; i++) out[i] = next() & 0xff;
        return out;
      });
    },
  };
}
