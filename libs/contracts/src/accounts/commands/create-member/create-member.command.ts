import { IsEmailAddress } from '../../../lib/text';
import { defineCommand } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import { IsDisplayName, IsPassword } from '../../lib/validation';
import type { UserView } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.cmd.create-member.v1';

/**
 * An institution admin creates a member (staff) account of their own institution. The organisation
 * must be the acting admin's own: accounts checks it against the actor, not only the edge.
 */
export class Payload {
  @IsLedgerId()
  organisationId!: string;

  @IsEmailAddress()
  email!: string;

  /** Initial password, handed over out of band; the member should change it. */
  @IsPassword()
  password!: string;

  @IsDisplayName()
  displayName!: string;
}

export type Result = UserView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
