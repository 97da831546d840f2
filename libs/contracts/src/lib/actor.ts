import { IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CommonErrorCode, PhdmfError } from './errors';

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
