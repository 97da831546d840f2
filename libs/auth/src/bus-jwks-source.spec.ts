import { AccountsGetJwks } from '@phdmf/contracts';
import { BusJwksSource, type JwksRequester } from './bus-jwks-source';
import { generateSigningKey, issueAccessToken } from './token-issuer';
import { TokenVerifier } from './token-verifier';

describe('BusJwksSource', () => {
  it('asks accounts once for a burst of verifications, and again only when a token names an unknown key', async () => {
    const first = await generateSigningKey('k-1');
    const second = await generateSigningKey('k-2');
    let published = [first.publicJwk];
    const asked: string[] = [];
    const bus: JwksRequester = {
      request: (contract) => {
        asked.push(contract.subject);
        return new Promise((resolve) => setTimeout(() => { resolve({ keys: published.map((k) => ({ ...k, kty: 'OKP' })) }); }, 5));
      },
    };
    const verifier = new TokenVerifier(new BusJwksSource(bus, { minRefreshIntervalMs: 0 }), { issuer: 'i', audience: 'a', cacheSize: 0 });
    const o = { issuer: 'i', audience: 'a', userId: 'u', roles: ['member' as const], ttlSeconds: 60 };
    const tokens = await Promise.all(Array.from({ length: 20 }, () => issueAccessToken(first, o)));
    await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(asked).toEqual([AccountsGetJwks.SUBJECT]);

    // Rotation: a token signed with a key published since makes the source fetch again, once.
    published = [first.publicJwk, second.publicJwk];
    await verifier.verify(await issueAccessToken(second, o));
    expect(asked).toHaveLength(2);
  });

  it('keeps verifying with the cached keys while accounts is unreachable', async () => {
    const key = await generateSigningKey('k-1');
    let up = true;
    const bus: JwksRequester = {
      request: () => (up ? Promise.resolve({ keys: [{ ...key.publicJwk, kty: 'OKP' }] }) : Promise.reject(Object.assign(new Error('down'), { code: 'MESSAGING.NO_RESPONDERS' }))),
    };
    const verifier = new TokenVerifier(new BusJwksSource(bus, { ttlMs: 0 }), { issuer: 'i', audience: 'a', cacheSize: 0 });
    const token = await issueAccessToken(key, { issuer: 'i', audience: 'a', userId: 'u', roles: ['member'], ttlSeconds: 60 });
    await verifier.verify(token);
    up = false;
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'u' });
  });
});
