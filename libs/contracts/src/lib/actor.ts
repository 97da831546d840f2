import { IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CommonErrorCode, PhdmfError } from './errors';
import type { ServiceName } from './services';

export const ROLES = ['consortium-admin', 'institution-admin', 'member', 'researcher', 'service'] as const;
export type Role = (typeof ROLES)[number];

/** The acting user (or service) on whose behalf a message is sent; travels in a message header. */
export class Actor {
  @IsString()
  @Length(1, 128)
  userId!: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  organisationId?: string;

  @IsArray()
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

/**
 * The acting user as a service's handlers and policies see it: the message's actor header,
 * authenticated at the REST edge (or a service acting as itself).
 */
export interface ActingUser {
  userId: string;
  organisationId?: string;
  roles: readonly string[];
}

/** The actor, or AUTH.UNAUTHENTICATED: every user-bound message must name who acts. */
export function requireActor(actor: ActingUser | undefined): ActingUser {
  if (!actor) throw new PhdmfError(CommonErrorCode.UNAUTHENTICATED, 'This request needs an authenticated user');
  return actor;
}

/**
 * A central service acting as itself (recording an analysis, filing a request for a researcher): user id
 * `service:<name>` — as a storage site acts as `node:<nodeId>` — and the `service` role, for which the
 * ledger signs with the governing MSP. The id is for logs and checks, never written on-chain.
 */
export function serviceActor(service: ServiceName): { userId: string; roles: Role[] } {
  return { userId: `service:${service}`, roles: ['service'] };
}
