import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { exportJWK, importJWK, type JWK, type KeyLike } from 'jose';
import { generateSigningKey, type SigningKey } from '@phdmf/auth';
import type { Logger } from '@phdmf/logging';
import { LOGGER } from '../../accounts.tokens';
import { AccountsConfig } from '../../config';
import { SigningKeyRecord } from './schemas';
import { sealedWithoutKey, SigningKeySeal } from './signing-key-seal';

/**
 * The token-signing keys, persisted so that tokens survive a restart and every instance of the
 * service signs with keys the JWKS announces. On first start a key is generated and stored.
 * Rotation: insert a new key and set `retired_at` on the old one; retired keys stay in the JWKS.
 * With SIGNING_KEY_ENCRYPTION_KEY_FILE the private keys are stored encrypted (SigningKeySeal); a key
 * stored in plain by an earlier start is encrypted in place at the next one.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private active?: SigningKey;
  private published: JWK[] = [];

  private readonly seal: SigningKeySeal | undefined;

  constructor(
    private readonly orm: MikroORM,
    config: AccountsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.seal = config.SIGNING_KEY_ENCRYPTION_KEY_FILE !== undefined ? SigningKeySeal.fromFile(config.SIGNING_KEY_ENCRYPTION_KEY_FILE) : undefined;
  }

  async onModuleInit(): Promise<void> {
    await this.load();
  }

  async load(): Promise<void> {
    const em = this.orm.em.fork();
    let rows = await em.find(SigningKeyRecord, {}, { orderBy: { createdAt: 'desc' } });
    if (!rows.some((r) => r.retiredAt === null)) {
      const key = await generateSigningKey();
      const record = new SigningKeyRecord();
      record.kid = key.kid;
      const privateJwk = JSON.stringify({ ...(await exportJWK(key.privateKey)), kid: key.kid, alg: 'EdDSA' });
      record.privateJwk = this.seal !== undefined ? await this.seal.seal(privateJwk, key.kid) : privateJwk;
      record.publicJwk = JSON.stringify(key.publicJwk);
      record.createdAt = new Date();
      record.retiredAt = null;
      await em.persist(record).flush();
      this.logger.info({ kid: key.kid }, 'generated and stored a new token-signing key');
      rows = [record, ...rows];
    }
    const current = rows.find((r) => r.retiredAt === null);
    if (!current) throw new Error('no active signing key');
    await this.sealStoredKeys(em, rows);
    const privateJwk = JSON.parse(await this.privateJwkOf(current)) as JWK;
    this.active = {
      kid: current.kid,
      privateKey: (await importJWK(privateJwk, 'EdDSA')) as KeyLike,
      publicJwk: JSON.parse(current.publicJwk) as JWK,
    };
    this.published = rows.map((r) => JSON.parse(r.publicJwk) as JWK);
  }

  /** The stored private JWK as JSON, opened if sealed. */
  private async privateJwkOf(row: SigningKeyRecord): Promise<string> {
    if (!SigningKeySeal.isSealed(row.privateJwk)) return row.privateJwk;
    if (this.seal === undefined) throw sealedWithoutKey(row.kid);
    return this.seal.open(row.privateJwk, row.kid);
  }

  /** With a key-encryption key, encrypts every key still stored in plain (retired ones too: they could still sign). */
  private async sealStoredKeys(em: ReturnType<MikroORM['em']['fork']>, rows: SigningKeyRecord[]): Promise<void> {
    const seal = this.seal;
    if (seal === undefined) {
      if (rows.some((r) => !SigningKeySeal.isSealed(r.privateJwk))) {
        this.logger.warn('token-signing keys are stored unencrypted (refused in production); set SIGNING_KEY_ENCRYPTION_KEY_FILE to encrypt them');
      }
      return;
    }
    const plain = rows.filter((r) => !SigningKeySeal.isSealed(r.privateJwk));
    if (plain.length === 0) return;
    for (const row of plain) row.privateJwk = await seal.seal(row.privateJwk, row.kid);
    await em.flush();
    this.logger.info({ kids: plain.map((r) => r.kid) }, 'encrypted the stored token-signing keys');
  }

  current(): SigningKey {
    if (!this.active) throw new Error('signing keys not loaded');
    return this.active;
  }

  /** The public keys, for the JWKS query. */
  publicKeys(): JWK[] {
    return this.published;
  }
}
