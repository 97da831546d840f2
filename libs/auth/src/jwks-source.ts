import type { JSONWebKeySet } from 'jose';

/**
 * Where a verifier gets the signing keys of the accounts service. Services verify tokens locally
 * with these public keys; they never call accounts per request.
 */
export interface JwksSource {
  /** The current key set; `refresh` asks for a fresh copy (a token names a key id not yet seen). */
  keySet(refresh?: boolean): Promise<JSONWebKeySet>;
}

/** A fixed key set (tests, or a site configured with a pinned JWKS file). */
export class StaticJwksSource implements JwksSource {
  constructor(private readonly jwks: JSONWebKeySet) {}

  keySet(): Promise<JSONWebKeySet> {
    return Promise.resolve(this.jwks);
  }
}

/**
 * Caches a key set fetched by `fetchKeySet` for `ttlMs`, and re-fetches at most once per
 * `minRefreshIntervalMs` when asked to refresh, so a flood of tokens with unknown key ids cannot
 * turn into a flood of key-set requests.
 */
export class CachingJwksSource implements JwksSource {
  private cached?: { jwks: JSONWebKeySet; at: number };
  private lastRefresh = 0;

  constructor(
    private readonly fetchKeySet: () => Promise<JSONWebKeySet>,
    private readonly ttlMs = 10 * 60_000,
    private readonly minRefreshIntervalMs = 30_000,
  ) {}

  async keySet(refresh = false): Promise<JSONWebKeySet> {
    const now = Date.now();
    const stale = !this.cached || now - this.cached.at > this.ttlMs;
    const mayRefresh = refresh && now - this.lastRefresh > this.minRefreshIntervalMs;
    if (stale || mayRefresh) {
      if (refresh) this.lastRefresh = now;
      this.cached = { jwks: await this.fetchKeySet(), at: now };
    }
    return this.cached?.jwks ?? { keys: [] };
  }
}
