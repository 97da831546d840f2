import type { JSONWebKeySet } from 'jose';
import { AccountsGetJwks } from '@phdmf/contracts';
import { CachingJwksSource } from './jwks-source';

/**
 * The one thing a JWKS source needs from the message bus. Structural, so that this library does not
 * depend on the messaging layer; a `MessageBus` fits it as it is.
 */
export interface JwksRequester {
  request(contract: typeof AccountsGetJwks.CONTRACT, payload: AccountsGetJwks.Payload, options?: { timeoutMs?: number }): Promise<AccountsGetJwks.Result>;
}

export interface BusJwksSourceOptions {
  /** How long a fetched key set is used before it is fetched again. */
  ttlMs?: number;
  /** A token naming an unknown key id refreshes the set at most this often. */
  minRefreshIntervalMs?: number;
  /** Deadline of the GetJwks request. */
  timeoutMs?: number;
}

/**
 * A key set fetched from the accounts service over NATS (`AccountsGetJwks`) and cached: services,
 * remote storage sites included, verify tokens locally and ask accounts only when the cache is
 * stale or a token names a key id they have not seen (a key rotation).
 */
export class BusJwksSource extends CachingJwksSource {
  constructor(bus: JwksRequester, options: BusJwksSourceOptions = {}) {
    super(
      async () => {
        const result = await bus.request(AccountsGetJwks.CONTRACT, {}, { timeoutMs: options.timeoutMs ?? 5_000 });
        const jwks: JSONWebKeySet = { keys: result.keys };
        return jwks;
      },
      options.ttlMs,
      options.minRefreshIntervalMs,
    );
  }
}
