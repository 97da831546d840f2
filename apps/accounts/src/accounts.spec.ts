// The accounts service as it runs: real NATS, real SQLite, its own NestJS application, driven
// through its contracts with the MessageBus's wire format.
import type { INestApplication } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { BusJwksSource, TokenVerifier } from '@phdmf/auth';
import {
  AccountsAppointInstitutionAdmin,
  AccountsChangePassword,
  AccountsCreateMember,
  AccountsErrorCode,
  AccountsGetCurrentUser,
  AccountsGetJwks,
  AccountsGetLoginHistory,
  AccountsLogin,
  AccountsLogout,
  AccountsRefreshToken,
  AccountsRegisterResearcher,
  type RequestContract,
} from '@phdmf/contracts';
import { memoryLogger, TestNatsServer, tempDir } from '@phdmf/testing';
import { migrate } from '@phdmf/persistence';
import { persistenceSettingsOf, startService, provisionEventStream } from '@phdmf/messaging';
import { AppModule } from './app.module';
import { loadAccountsConfig } from './config';
import { ACCOUNTS_PERSISTENCE } from './persistence';
import { SigningKeyRecord } from './users/infrastructure/schemas';

type Actor = { userId: string; organisationId?: string; roles: string[] };

describe('accounts service', () => {
  let nats: TestNatsServer;
  let data: ReturnType<typeof tempDir>;
  let app: INestApplication;
  let nc: NatsConnection;

  async function call<P extends object, R>(contract: RequestContract<P, R>, payload: P, actor?: Actor): Promise<R> {
    const { headers } = await import('nats');
    const h = headers();
    if (actor) h.set('Phdmf-Actor', JSON.stringify(actor));
    const reply = await nc.request(contract.subject, new TextEncoder().encode(JSON.stringify(payload)), { timeout: 10_000, headers: h });
    const body = JSON.parse(new TextDecoder().decode(reply.data)) as { ok: true; data: R } | { ok: false; error: { code: string; message: string; details?: unknown } };
    if (!body.ok) throw Object.assign(new Error(body.error.message), { code: body.error.code, details: body.error.details });
    return body.data;
  }

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    data = tempDir('phdmf-accounts-');
    const config = loadAccountsConfig({
      NATS_URL: nats.url,
      PHDMF_DATA_DIR: data.dir,
      LOG_LEVEL: 'warn',
      BOOTSTRAP_ADMIN_EMAIL: 'Admin@Consortium.test',
      BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery staple',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: '3',
    });
    await migrate(persistenceSettingsOf('accounts', config, ACCOUNTS_PERSISTENCE));
    const { logger } = memoryLogger('accounts');
    app = await startService(AppModule.forRoot(config, logger), { logger });
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc.close();
    await app.close();
    await nats.dispose();
    data.remove();
  });

  it('bootstraps the consortium admin from configuration, who can log in', async () => {
    const tokens = await call(AccountsLogin.CONTRACT, { email: 'admin@consortium.test', password: 'correct horse battery staple' });
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 300 });
    const verifier = new TokenVerifier(new BusJwksSource({ request: (c, p) => call(c, p) }), { issuer: 'phdmf-accounts', audience: 'phdmf-api' });
    const claims = await verifier.verify(tokens.accessToken);
    expect(claims.roles).toEqual(['consortium-admin']);
  });

  it('registers a researcher, stores no password in the clear, and does not tell whether an email is taken', async () => {
    const user = await call(AccountsRegisterResearcher.CONTRACT, { email: 'r1@uni.test', password: 'a long enough password', displayName: 'R One' });
    expect(user).toMatchObject({ email: 'r1@uni.test', roles: ['researcher'], status: 'active' });
    expect(user).not.toHaveProperty('organisationId');
    expect(await call(AccountsGetCurrentUser.CONTRACT, {}, { userId: user.userId, roles: ['researcher'] })).toEqual(user);
    // A taken email is answered like a new one, with the same shape; the existing account is untouched.
    const again = await call(AccountsRegisterResearcher.CONTRACT, { email: 'R1@uni.test', password: 'someone else entirely', displayName: 'x' });
    const fresh = await call(AccountsRegisterResearcher.CONTRACT, { email: 'r1-fresh@uni.test', password: 'someone else entirely', displayName: 'x' });
    expect(Object.keys(again).sort()).toEqual(Object.keys(fresh).sort());
    expect(again).toMatchObject({ email: 'r1@uni.test', roles: ['researcher'], status: 'active', displayName: 'x' });
    expect(again.userId).not.toBe(user.userId);
    await expect(call(AccountsLogin.CONTRACT, { email: 'r1@uni.test', password: 'someone else entirely' })).rejects.toMatchObject({ code: AccountsErrorCode.INVALID_CREDENTIALS });
    expect(await call(AccountsLogin.CONTRACT, { email: 'r1@uni.test', password: 'a long enough password' })).toMatchObject({ tokenType: 'Bearer' });
    await expect(call(AccountsRegisterResearcher.CONTRACT, { email: 'r2@uni.test', password: 'short', displayName: 'x' })).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });
  });

  it('rotates refresh tokens and revokes the family when an old one is reused', async () => {
    await call(AccountsRegisterResearcher.CONTRACT, { email: 'rot@uni.test', password: 'a long enough password', displayName: 'Rot' });
    const first = await call(AccountsLogin.CONTRACT, { email: 'rot@uni.test', password: 'a long enough password' });
    const second = await call(AccountsRefreshToken.CONTRACT, { refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(call(AccountsRefreshToken.CONTRACT, { refreshToken: first.refreshToken })).rejects.toMatchObject({ code: AccountsErrorCode.REFRESH_REUSED });
    // The thief's reuse also ended the legitimate holder's session.
    await expect(call(AccountsRefreshToken.CONTRACT, { refreshToken: second.refreshToken })).rejects.toMatchObject({ code: AccountsErrorCode.REFRESH_INVALID });
    await expect(call(AccountsRefreshToken.CONTRACT, { refreshToken: 'garbage-garbage-garbage' })).rejects.toMatchObject({ code: AccountsErrorCode.REFRESH_INVALID });
  });

  it('logout ends the session', async () => {
    const t = await call(AccountsLogin.CONTRACT, { email: 'rot@uni.test', password: 'a long enough password' });
    expect(await call(AccountsLogout.CONTRACT, { refreshToken: t.refreshToken })).toEqual({ revoked: true });
    await expect(call(AccountsRefreshToken.CONTRACT, { refreshToken: t.refreshToken })).rejects.toMatchObject({ code: AccountsErrorCode.REFRESH_INVALID });
  });

  it('throttles repeated failures per account, records every attempt, and shows the history to the user', async () => {
    const me = await call(AccountsRegisterResearcher.CONTRACT, { email: 'thr@uni.test', password: 'a long enough password', displayName: 'Thr' });
    for (let i = 0; i < 3; i++) {
      await expect(call(AccountsLogin.CONTRACT, { email: 'thr@uni.test', password: 'wrong password!!', address: '10.0.0.9', userAgent: 'jest' })).rejects.toMatchObject({
        code: AccountsErrorCode.INVALID_CREDENTIALS,
      });
    }
    // From an address the account never logged in from, even the right password waits: no more guesses get through.
    await expect(call(AccountsLogin.CONTRACT, { email: 'thr@uni.test', password: 'a long enough password', address: '10.0.0.9' })).rejects.toMatchObject({
      code: AccountsErrorCode.LOGIN_THROTTLED,
      details: { retryAfterSeconds: expect.any(Number) as number },
    });
    await expect(call(AccountsLogin.CONTRACT, { email: 'thr@uni.test', password: 'a long enough password', address: '10.0.0.10' })).rejects.toMatchObject({
      code: AccountsErrorCode.LOGIN_THROTTLED,
      details: { scope: 'account' },
    });
    const actor = { userId: me.userId, roles: ['researcher'] };
    const history = await call(AccountsGetLoginHistory.CONTRACT, {}, actor);
    expect(history).toMatchObject({ total: 5, nextCursor: null });
    expect(history.items).toHaveLength(5);
    expect(history.items[0]).toMatchObject({ success: false, failureCode: AccountsErrorCode.LOGIN_THROTTLED, address: '10.0.0.10' });
    expect(history.items[4]).toMatchObject({ success: false, failureCode: AccountsErrorCode.INVALID_CREDENTIALS, userAgent: 'jest' });

    // A page at a time: every attempt exactly once, newest first, also when one more lands between two pages.
    const first = await call(AccountsGetLoginHistory.CONTRACT, { limit: 2 }, actor);
    expect(first.items).toEqual(history.items.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    await expect(call(AccountsLogin.CONTRACT, { email: 'thr@uni.test', password: 'wrong', address: '10.0.0.11' })).rejects.toMatchObject({ code: AccountsErrorCode.LOGIN_THROTTLED });
    const seen = [...first.items];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const next = await call(AccountsGetLoginHistory.CONTRACT, { limit: 2, cursor }, actor);
      seen.push(...next.items);
      cursor = next.nextCursor;
    }
    expect(seen).toEqual(history.items);
    expect((await call(AccountsGetLoginHistory.CONTRACT, {}, actor)).total).toBe(6);
    // A cursor is bound to its filters: the same position with another filter is refused, not misread.
    await expect(call(AccountsGetLoginHistory.CONTRACT, { limit: 2, cursor: first.nextCursor!, outcome: 'failure' }, actor)).rejects.toMatchObject({ code: 'PAGINATION.CURSOR_INVALID' });
    await expect(call(AccountsGetLoginHistory.CONTRACT, { cursor: 'bm90LWEtY3Vyc29y' }, actor)).rejects.toMatchObject({ code: 'PAGINATION.CURSOR_INVALID' });
    expect((await call(AccountsGetLoginHistory.CONTRACT, { outcome: 'success' }, actor)).total).toBe(0);
    expect((await call(AccountsGetLoginHistory.CONTRACT, { outcome: 'failure', from: '2000-01-01T00:00:00Z', to: '2999-01-01T00:00:00Z' }, actor)).total).toBe(6);
    expect((await call(AccountsGetLoginHistory.CONTRACT, { to: '2000-01-01T00:00:00Z' }, actor)).items).toEqual([]);
  });

  it('never keeps the owner out from an address they logged in from, whatever others try from elsewhere', async () => {
    await call(AccountsLogin.CONTRACT, { email: 'admin@consortium.test', password: 'correct horse battery staple', address: '192.0.2.1' });
    for (let i = 0; i < 6; i++) {
      await call(AccountsLogin.CONTRACT, { email: 'admin@consortium.test', password: `a guess ${i}`, address: `198.51.100.${i % 2}` }).catch(() => undefined);
    }
    await expect(call(AccountsLogin.CONTRACT, { email: 'admin@consortium.test', password: 'correct horse battery staple', address: '198.51.100.7' })).rejects.toMatchObject({
      code: AccountsErrorCode.LOGIN_THROTTLED,
    });
    expect(await call(AccountsLogin.CONTRACT, { email: 'admin@consortium.test', password: 'correct horse battery staple', address: '192.0.2.1' })).toMatchObject({ tokenType: 'Bearer' });
  });

  it('does not lock out everyone behind one proxy: failures there hold back only the accounts tried', async () => {
    const proxy = '203.0.113.5';
    await call(AccountsRegisterResearcher.CONTRACT, { email: 'colleague@uni.test', password: 'a long enough password', displayName: 'Colleague' });
    for (let i = 0; i < 21; i++) {
      await expect(call(AccountsLogin.CONTRACT, { email: `sprayed-${i % 7}@uni.test`, password: 'wrong password!!', address: proxy })).rejects.toMatchObject({
        code: AccountsErrorCode.INVALID_CREDENTIALS,
      });
    }
    expect(await call(AccountsLogin.CONTRACT, { email: 'colleague@uni.test', password: 'a long enough password', address: proxy })).toMatchObject({ tokenType: 'Bearer' });
  });

  it('throttles wrong current passwords given to a password change like failed logins', async () => {
    const u = await call(AccountsRegisterResearcher.CONTRACT, { email: 'pwthr@uni.test', password: 'a long enough password', displayName: 'PwThr' });
    const actor = { userId: u.userId, roles: ['researcher'] };
    for (let i = 0; i < 3; i++) {
      await expect(call(AccountsChangePassword.CONTRACT, { currentPassword: `guess ${i}`, newPassword: 'another long password', address: '10.0.0.20' }, actor)).rejects.toMatchObject({
        code: AccountsErrorCode.WRONG_PASSWORD,
      });
    }
    await expect(call(AccountsChangePassword.CONTRACT, { currentPassword: 'a long enough password', newPassword: 'another long password', address: '10.0.0.20' }, actor)).rejects.toMatchObject({
      code: AccountsErrorCode.LOGIN_THROTTLED,
      details: { retryAfterSeconds: expect.any(Number) as number },
    });
  });

  it('appoints an applicant as institution admin, who creates members of their own institution only', async () => {
    const applicant = await call(AccountsRegisterResearcher.CONTRACT, { email: 'head@hospital-a.test', password: 'a long enough password', displayName: 'Head A' });
    const consortiumAdmin = { userId: 'c', roles: ['consortium-admin'] };
    await expect(call(AccountsAppointInstitutionAdmin.CONTRACT, { userId: applicant.userId, organisationId: 'org-a' }, { userId: 'x', roles: ['researcher'] })).rejects.toMatchObject({
      code: AccountsErrorCode.FORBIDDEN,
    });
    const appointed = await call(AccountsAppointInstitutionAdmin.CONTRACT, { userId: applicant.userId, organisationId: 'org-a' }, consortiumAdmin);
    expect(appointed).toMatchObject({ roles: ['institution-admin'], organisationId: 'org-a' });
    const adminA = { userId: applicant.userId, organisationId: 'org-a', roles: ['institution-admin'] };
    const member = await call(AccountsCreateMember.CONTRACT, { organisationId: 'org-a', email: 'nurse@hospital-a.test', password: 'initial password 1', displayName: 'Nurse' }, adminA);
    expect(member).toMatchObject({ roles: ['member'], organisationId: 'org-a' });
    await expect(
      call(AccountsCreateMember.CONTRACT, { organisationId: 'org-b', email: 'spy@hospital-b.test', password: 'initial password 1', displayName: 'Spy' }, adminA),
    ).rejects.toMatchObject({ code: AccountsErrorCode.FORBIDDEN });
    // Admin A reads their member's history, not another institution's.
    expect(await call(AccountsGetLoginHistory.CONTRACT, { userId: member.userId }, adminA)).toMatchObject({ items: [], nextCursor: null, total: 0 });
    await expect(call(AccountsGetLoginHistory.CONTRACT, { userId: member.userId }, { userId: 'b', organisationId: 'org-b', roles: ['institution-admin'] })).rejects.toMatchObject({
      code: AccountsErrorCode.FORBIDDEN,
    });
  });

  it('changes a password only with the current one, and ends every session', async () => {
    const u = await call(AccountsRegisterResearcher.CONTRACT, { email: 'pw@uni.test', password: 'a long enough password', displayName: 'Pw' });
    const t = await call(AccountsLogin.CONTRACT, { email: 'pw@uni.test', password: 'a long enough password' });
    const actor = { userId: u.userId, roles: ['researcher'] };
    await expect(call(AccountsChangePassword.CONTRACT, { currentPassword: 'not it at all', newPassword: 'another long password' }, actor)).rejects.toMatchObject({
      code: AccountsErrorCode.WRONG_PASSWORD,
    });
    expect(await call(AccountsChangePassword.CONTRACT, { currentPassword: 'a long enough password', newPassword: 'another long password' }, actor)).toEqual({
      changed: true,
      revokedSessions: 1,
    });
    await expect(call(AccountsRefreshToken.CONTRACT, { refreshToken: t.refreshToken })).rejects.toMatchObject({ code: AccountsErrorCode.REFRESH_INVALID });
    await call(AccountsLogin.CONTRACT, { email: 'pw@uni.test', password: 'another long password' });
    await expect(call(AccountsGetCurrentUser.CONTRACT, {})).rejects.toMatchObject({ code: AccountsErrorCode.UNAUTHENTICATED });
  });

  it('keeps its signing key and its admin across a restart; a later start does not reset the admin password', async () => {
    const before = await call(AccountsLogin.CONTRACT, { email: 'admin@consortium.test', password: 'correct horse battery staple' });
    const jwksBefore = await call(AccountsGetJwks.CONTRACT, {});
    await app.close();
    const file = join(data.dir, 'admin-password');
    writeFileSync(file, 'a different configured password\n');
    const config = loadAccountsConfig({ NATS_URL: nats.url, PHDMF_DATA_DIR: data.dir, LOG_LEVEL: 'warn', BOOTSTRAP_ADMIN_EMAIL: 'admin@consortium.test', BOOTSTRAP_ADMIN_PASSWORD_FILE: file });
    const { logger } = memoryLogger('accounts');
    app = await startService(AppModule.forRoot(config, logger), { logger });
    expect(await call(AccountsGetJwks.CONTRACT, {})).toEqual(jwksBefore);
    const verifier = new TokenVerifier(new BusJwksSource({ request: (c, p) => call(c, p) }), { issuer: 'phdmf-accounts', audience: 'phdmf-api' });
    await expect(verifier.verify(before.accessToken)).resolves.toMatchObject({ roles: ['consortium-admin'] });
    await call(AccountsLogin.CONTRACT, { email: 'admin@consortium.test', password: 'correct horse battery staple' });
  });

  it('encrypts its signing key in place once given a key-encryption key, and will not start without the right one', async () => {
    const before = await call(AccountsLogin.CONTRACT, { email: 'admin@consortium.test', password: 'correct horse battery staple' });
    const jwksBefore = await call(AccountsGetJwks.CONTRACT, {});
    const storedKeys = async () => (await app.get(MikroORM).em.fork().find(SigningKeyRecord, {})).map((r) => r.privateJwk);
    expect((await storedKeys()).every((k) => k.startsWith('{'))).toBe(true);
    await app.close();

    const kekFile = join(data.dir, 'signing-kek');
    writeFileSync(kekFile, `${randomBytes(32).toString('base64')}\n`);
    const wrongFile = join(data.dir, 'wrong-kek');
    writeFileSync(wrongFile, randomBytes(32).toString('base64url'));
    const start = (env: Record<string, string>) => {
      const config = loadAccountsConfig({ NATS_URL: nats.url, PHDMF_DATA_DIR: data.dir, LOG_LEVEL: 'warn', ...env });
      return startService(AppModule.forRoot(config, memoryLogger('accounts').logger), { logger: memoryLogger('accounts').logger });
    };

    app = await start({ SIGNING_KEY_ENCRYPTION_KEY_FILE: kekFile });
    const stored = await storedKeys();
    expect(stored.length).toBeGreaterThan(0);
    for (const value of stored) {
      expect(value).toMatch(/^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/); // a JWE compact serialisation with `dir`: no encrypted key part
      expect(value).not.toContain('"d"');
    }
    // The same key signs and the same JWKS is published: tokens from before still verify.
    expect(await call(AccountsGetJwks.CONTRACT, {})).toEqual(jwksBefore);
    const verifier = new TokenVerifier(new BusJwksSource({ request: (c, p) => call(c, p) }), { issuer: 'phdmf-accounts', audience: 'phdmf-api' });
    await expect(verifier.verify(before.accessToken)).resolves.toMatchObject({ roles: ['consortium-admin'] });
    await expect(verifier.verify((await call(AccountsLogin.CONTRACT, { email: 'admin@consortium.test', password: 'correct horse battery staple' })).accessToken)).resolves.toBeDefined();
    await app.close();

    await expect(start({})).rejects.toThrow(/SIGNING_KEY_ENCRYPTION_KEY_FILE: the stored token-signing key \S+ is encrypted/);
    await expect(start({ SIGNING_KEY_ENCRYPTION_KEY_FILE: wrongFile })).rejects.toThrow(/SIGNING_KEY_ENCRYPTION_KEY_FILE: the key in \S+wrong-kek does not open the stored token-signing key/);
    writeFileSync(wrongFile, 'not a key');
    await expect(start({ SIGNING_KEY_ENCRYPTION_KEY_FILE: wrongFile })).rejects.toThrow(/must hold 32 random bytes/);

    app = await start({ SIGNING_KEY_ENCRYPTION_KEY_FILE: kekFile });
    expect(await call(AccountsGetJwks.CONTRACT, {})).toEqual(jwksBefore);
  });
});
