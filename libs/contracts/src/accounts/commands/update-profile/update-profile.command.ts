import { defineCommand } from '../../../lib/contract';
import { IsDisplayName } from '../../lib/validation';
import type { UserView } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.cmd.update-profile.v1';

/** The acting user changes their own profile. */
export class Payload {
  @IsDisplayName()
  displayName!: string;
}

export type Result = UserView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
