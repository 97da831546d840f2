import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { AccountsErrorCode, PhdmfError, type Role } from '@phdmf/contracts';
import { normaliseEmail, User } from '../domain/user';
import { PasswordHasher } from './password-hasher';

export interface NewUser {
  email: string;
  password: string;
  displayName: string;
  role: Role;
  organisationId?: string;
}

/** Creates accounts: one place for hashing, email normalisation and the uniqueness check. */
@Injectable()
export class UserFactory {
  constructor(private readonly hasher: PasswordHasher) {}

  async create(em: EntityManager, n: NewUser): Promise<User> {
    if ((await em.count(User, { email: normaliseEmail(n.email) })) > 0) throw emailTaken();
    const user = await this.build(n);
    em.persist(user);
    try {
      await em.flush();
    } catch (error) {
      // Two registrations of one email at once: the unique index decides, the loser gets the code.
      if (error instanceof Error && error.name === 'UniqueConstraintViolationException') throw emailTaken();
      throw error;
    }
    return user;
  }

  /**
   * An account as `create` would make it, never stored: what a self-registration of a taken email
   * is answered with, at the same cost (the password is hashed all the same), so the answer does not
   * tell whether the email has an account.
   */
  decoy(n: NewUser): Promise<User> {
    return this.build(n);
  }

  private async build(n: NewUser): Promise<User> {
    const now = new Date();
    const user = new User();
    user.id = randomUUID();
    user.email = normaliseEmail(n.email);
    user.displayName = n.displayName.trim();
    user.passwordHash = await this.hasher.hash(n.password);
    user.assignRoles([n.role]);
    user.organisationId = n.organisationId ?? null;
    user.status = 'active';
    user.createdAt = now;
    user.updatedAt = now;
    user.passwordChangedAt = now;
    return user;
  }
}

function emailTaken(): PhdmfError {
  return new PhdmfError(AccountsErrorCode.EMAIL_TAKEN, 'An account with this email already exists');
}
