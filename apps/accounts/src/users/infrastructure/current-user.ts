import type { EntityManager } from '@mikro-orm/core';
import { AccountsErrorCode, PhdmfError, requireActor, type ActingUser } from '@phdmf/contracts';
import { User } from '../domain/user';

/** The acting user's own, active account; AUTH.UNAUTHENTICATED when there is none. */
export async function loadActingUser(em: EntityManager, actor: ActingUser | undefined): Promise<User> {
  const who = requireActor(actor);
  const user = await em.findOne(User, { id: who.userId });
  if (!user?.isActive()) throw new PhdmfError(AccountsErrorCode.UNAUTHENTICATED, 'The account no longer exists or is disabled');
  return user;
}
