import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { exportJWK, importJWK, type JWK, type KeyLike } from 'jose';
import { generateSigningKey, type SigningKey } from '@phdmf/auth';
import type { Logger } from '@phdmf/logging';
import { LOGGER } from '../../accounts.tokens';
import { SigningKeyRecord } from './schemas';

/**
 * The token-signing keys, persisted so that tokens survive a restart and every instance of the
 * service signs with keys the JWKS announces. On first start a key is generated and stored.
 * Rotation: insert a new key and set `retired_at` on the old one; retired keys stay in the JWKS.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private active?: SigningKey;
  private published: JWK[] = [];

  constructor(
    private readonly orm: MikroORM,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

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
      record.privateJwk = JSON.stringify({ ...(await exportJWK(key.privateKey)), kid: key.kid, alg: 'EdDSA' });
      record.publicJwk = JSON.stringify(key.publicJwk);
      record.createdAt = new Date();
      record.retiredAt = null;
      await em.persist(record).flush();
      this.logger.info({ kid: key.kid }, 'generated and stored a new token-signing key');
      rows = [record, ...rows];
    }
    const current = rows.find((r) => r.retiredAt === null);
    if (!current) throw new Error('no active signing key');
    const privateJwk = JSON.parse(current.privateJwk) as JWK;
    this.active = {
      kid: current.kid,
      privateKey: (await importJWK(privateJwk, 'EdDSA')) as KeyLike,
      publicJwk: JSON.parse(current.publicJwk) as JWK,
    };
    this.published = rows.map((r) => JSON.parse(r.publicJwk) as JWK);
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
