import { SignJWT, base64url } from 'jose';
import { generateSigningKey, issueAccessToken, type SigningKey } from './token-issuer';
import { StaticJwksSource } from './jwks-source';
import { AuthErrorCode, TokenVerifier } from './token-verifier';

const ISSUER = 'https://accounts.phdmf.test';
const AUDIENCE = 'phdmf';

describe('TokenVerifier (RFC 8725 checks)', () => {
  let key: SigningKey;
  let verifier: TokenVerifier;
  const base = { issuer: ISSUER, audience: AUDIENCE, userId: 'u-1', organisationId: 'org-a', roles: ['member' as const], ttlSeconds: 300 };

  beforeAll(async () => {
    key = await generateSigningKey('k1');
    verifier = new TokenVerifier(new StaticJwksSource({ keys: [key.publicJwk] }), { issuer: ISSUER, audience: AUDIENCE, clockToleranceSec: 0 });
  });

  const refused = async (token: string | undefined, code: string = AuthErrorCode.TOKEN_INVALID) => {
    await expect(verifier.verify(token)).rejects.toMatchObject({ code });
  };

  it('accepts a valid token and returns its claims', async () => {
    const claims = await verifier.verify(await issueAccessToken(key, base));
    expect(claims).toMatchObject({ userId: 'u-1', organisationId: 'org-a', roles: ['member'] });
  });

  it('refuses a missing token', () => refused(undefined));

  it('refuses alg none', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: 'k1' }));
    const now = Math.floor(Date.now() / 1000);
    const payload = base64url.encode(JSON.stringify({ sub: 'u-1', roles: ['consortium-admin'], iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, jti: 'x' }));
    await refused(`${header}.${payload}.`);
  });

  it('refuses a wrong audience', async () => refused(await issueAccessToken(key, { ...base, audience: 'someone-else' })));
  it('refuses a wrong issuer', async () => refused(await issueAccessToken(key, { ...base, issuer: 'https://evil.test' })));

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const token = await new SignJWT({ roles: ['member'] })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('u-1')
      .setJti('j')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key.privateKey);
    await refused(token, AuthErrorCode.TOKEN_EXPIRED);
  });

  it('refuses a token signed by another key, even with the same kid', async () => {
    const other = await generateSigningKey('k1');
    await refused(await issueAccessToken(other, base));
  });

  it('refuses a tampered payload', async () => {
    const [h, , s] = (await issueAccessToken(key, base)).split('.');
    const forged = base64url.encode(JSON.stringify({ sub: 'u-1', roles: ['consortium-admin'], iss: ISSUER, aud: AUDIENCE, iat: 1, exp: 9_999_999_999, jti: 'x' }));
    await refused(`${h!}.${forged}.${s!}`);
  });

  it('refuses a token of another type (an ID token, say)', async () => {
    const token = await new SignJWT({ roles: ['member'] })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('u-1')
      .setJti('j')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
    await refused(token);
  });

  it('refuses unknown roles', async () => refused(await issueAccessToken(key, { ...base, roles: ['root' as never] })));
});

describe('TokenVerifier cache', () => {
  it('remembers a verified token until it expires, and never caches a refusal', async () => {
    const key = await generateSigningKey('k2');
    const verifier = new TokenVerifier(new StaticJwksSource({ keys: [key.publicJwk] }), { issuer: ISSUER, audience: AUDIENCE, clockToleranceSec: 0, cacheSize: 2 });
    const token = await issueAccessToken(key, { issuer: ISSUER, audience: AUDIENCE, userId: 'u', roles: ['member'], ttlSeconds: 1 });
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    await new Promise((r) => setTimeout(r, 1_100));
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: AuthErrorCode.TOKEN_EXPIRED });
    const [h, , s] = token.split('.');
    const forged = base64url.encode(JSON.stringify({ sub: 'u', roles: ['consortium-admin'], iss: ISSUER, aud: AUDIENCE, iat: 1, exp: 9_999_999_999, jti: 'x' }));
    await expect(verifier.verify(`${h!}.${forged}.${s!}`)).rejects.toMatchObject({ code: AuthErrorCode.TOKEN_INVALID });
    await expect(verifier.verify(`${h!}.${forged}.${s!}`)).rejects.toMatchObject({ code: AuthErrorCode.TOKEN_INVALID });
  });
});
