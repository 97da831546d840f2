import type { Role } from '@phdmf/contracts';

/** A user of this node's local API, from a verified access token. */
export interface LocalUser {
  userId: string;
  organisationId: string;
  roles: Role[];
}
