import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { readFileSync } from 'node:fs';
import { PASSWORD_MIN_LENGTH } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { ConfigError } from '@phdmf/config';
import { LOGGER } from '../../accounts.tokens';
import { AccountsConfig } from '../../config';
import { normaliseEmail, User } from '../domain/user';
import { UserFactory } from '../infrastructure/user-factory';

/**
 * Creates the consortium admin from configuration on first start — when no consortium admin
 * exists yet. Later starts change nothing, so rotating the configured password does not reset an
 * admin who already changed theirs. Nothing is created without a configured password.
 */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  constructor(
    private readonly orm: MikroORM,
    private readonly users: UserFactory,
    private readonly config: AccountsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const em = this.orm.em.fork();
    const admins = await em.count(User, { roleList: { $like: '%consortium-admin%' } });
    if (admins > 0) return;
    const email = this.config.BOOTSTRAP_ADMIN_EMAIL;
    const password = this.password();
    if (!email || password === undefined) {
      this.logger.warn('no consortium admin exists and none is configured (BOOTSTRAP_ADMIN_EMAIL with BOOTSTRAP_ADMIN_PASSWORD or _FILE)');
      return;
    }
    if ((await em.count(User, { email: normaliseEmail(email) })) > 0) {
      this.logger.error('BOOTSTRAP_ADMIN_EMAIL belongs to an existing account that is not a consortium admin; not promoting it');
      return;
    }
    const admin = await this.users.create(em, { email, password, displayName: 'Consortium administrator', role: 'consortium-admin' });
    this.logger.info({ userId: admin.id }, 'created the consortium admin from configuration');
  }

  private password(): string | undefined {
    if (this.config.BOOTSTRAP_ADMIN_PASSWORD !== undefined) return this.config.BOOTSTRAP_ADMIN_PASSWORD;
    const file = this.config.BOOTSTRAP_ADMIN_PASSWORD_FILE;
    if (file === undefined) return undefined;
    const value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (value.length < PASSWORD_MIN_LENGTH) {
      throw new ConfigError([`BOOTSTRAP_ADMIN_PASSWORD_FILE: the password in ${file} is shorter than ${PASSWORD_MIN_LENGTH} characters`]);
    }
    return value;
  }
}
