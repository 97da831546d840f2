import { IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';

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
