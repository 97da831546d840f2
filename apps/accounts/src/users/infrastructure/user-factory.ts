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
    const email = normaliseEmail(n.email);
    if ((await em.count(User, { email })) > 0) throw emailTaken();
    const now = new Date();
    const user = new User();
    user.id = randomUUID();
    user.email = email;
    user.displayName = n.displayName.trim();
    user.passwordHash = await this.hasher.hash(n.password);
    user.assignRoles([n.role]);
    user.organisationId = n.organisationId ?? null;
    user.status = 'active';
    user.createdAt = now;
    user.updatedAt = now;
    user.passwordChangedAt = now;
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
}

function emailTaken(): PhdmfError {
  return new PhdmfError(AccountsErrorCode.EMAIL_TAKEN, 'An account with this email already exists');
}
