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
  private inFlight?: Promise<JSONWebKeySet>;

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
      try {
        // Concurrent callers share one fetch: a burst of requests at start costs one key-set request.
        this.inFlight ??= this.fetchKeySet().finally(() => (this.inFlight = undefined));
        this.cached = { jwks: await this.inFlight, at: Date.now() };
      } catch (error) {
        // Keys rotate rarely: a stale set verifies better than none while accounts is unreachable.
        if (!this.cached) throw error;
      }
    }
    return this.cached?.jwks ?? { keys: [] };
  }
}
