import { IsBoundedString } from '../../../lib/text';
import { defineCommand } from '../../../lib/contract';

export const SUBJECT = 'phdmf.accounts.cmd.logout.v1';

/** Revokes the refresh token's whole family (the session). Idempotent. */
export class Payload {
  @IsBoundedString(16, 256)
  refreshToken!: string;
}

export interface Result {
  revoked: boolean;
}

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
