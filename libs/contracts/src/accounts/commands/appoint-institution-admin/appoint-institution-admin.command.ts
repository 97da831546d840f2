import { IsUUID } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { UserView } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.cmd.appoint-institution-admin.v1';

/**
 * Makes a user the institution admin of an admitted member organisation. Sent by node-registry
 * (actor: the consortium admin who admitted it) once the admission is committed on-chain; the user
 * is the one who applied. Idempotent: appointing the same user to the same organisation twice is a no-op.
 */
export class Payload {
  @IsUUID()
  userId!: string;

  @IsLedgerId()
  organisationId!: string;
}

export type Result = UserView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
