import { IsString, Length } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import { ClientInfo } from '../../lib/client-info';
import { IsPassword } from '../../lib/validation';

export const SUBJECT = 'phdmf.accounts.cmd.change-password.v1';

/**
 * The acting user changes their password; every refresh token of theirs is revoked (all sessions
 * end). A wrong current password counts as a failed login (AUTH.LOGIN_THROTTLED applies alike).
 */
export class Payload extends ClientInfo {
  @IsString()
  @Length(1, 128)
  currentPassword!: string;

  @IsPassword()
  newPassword!: string;
}

export interface Result {
  changed: true;
  revokedSessions: number;
}

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
