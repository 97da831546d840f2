// Deterministic disclosure noise. Fresh random noise on every analysis can be averaged away: over k
// analyses 2·max(min') − min(min') converges on the true minimum. Noise derived from a site secret
// and what the number is about gives the same answer however often it is asked, so asking again
// teaches nothing. A later `dp` mode draws its noise from the same keyed stream (a draw counter in
// the key), so that it too cannot be re-rolled by repetition.
import { createHmac } from 'node:crypto';
import { canonicalJson } from '@phdmf/contracts';

/** What a noisy number is about: the same key always gets the same noise. */
export interface NoiseKey {
  datasetId: string;
  datasetVersion: number;
  /** The access request whose grant the ledger found in force. */
  grantRequestId: string;
  column: string;
  statistic: string;
  /**
   * The records it is about when not the whole dataset (a subset, a stratum's level): without it,
   * two subsets' min would carry the same noise and their difference would be exact.
   */
  subset?: string;
}

/** Uniform numbers in [0, 1), a keyed pseudo-random function of a {@link NoiseKey} (HMAC-SHA256). */
export class KeyedNoise {
  constructor(private readonly secret: Buffer) {
    // A short secret would make the noise guessable and so subtractable.
    if (secret.length < 32) throw new Error('the noise secret must have at least 32 bytes');
  }

  uniform(key: NoiseKey): number {
    const digest = createHmac('sha256', this.secret).update(canonicalJson(key), 'utf8').digest();
    // 48 bits: exact in a double, far finer than any released rounding.
    return digest.readUIntBE(0, 6) / 2 ** 48;
  }
}
