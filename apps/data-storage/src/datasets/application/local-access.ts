import type { ActorHeader } from '@phdmf/messaging';
import type { LocalUser } from '../domain/local-user';

/** The acting user sent with ledger commands: the ledger signs with this user's organisation. */
export function actorOf(user: LocalUser): ActorHeader {
  return { userId: user.userId, organisationId: user.organisationId, roles: [...user.roles] };
}
