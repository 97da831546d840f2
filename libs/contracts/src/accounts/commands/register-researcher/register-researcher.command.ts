import { IsEmailAddress } from '../../../lib/text';
import { defineCommand } from '../../../lib/contract';
import type { UserView } from '../../lib/views';
import { IsDisplayName, IsPassword } from '../../lib/validation';

export const SUBJECT = 'phdmf.accounts.cmd.register-researcher.v1';

/**
 * A third-party researcher registers themself (the only self-service registration). A taken email
 * is answered like a new one and nothing is stored, so the answer does not reveal existing accounts.
 */
export class Payload {
  @IsEmailAddress()
  email!: string;

  @IsPassword()
  password!: string;

  @IsDisplayName()
  displayName!: string;
}

export type Result = UserView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
