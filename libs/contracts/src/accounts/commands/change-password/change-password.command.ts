import { IsBoundedString } from '../../../lib/text';
import { defineCommand } from '../../../lib/contract';
import { ClientInfo } from '../../lib/client-info';
import { IsPassword, PASSWORD_MAX_LENGTH } from '../../lib/validation';

export const SUBJECT = 'phdmf.accounts.cmd.change-password.v1';

/**
 * The acting user changes their password; every refresh token of theirs is revoked (all sessions
 * end). A wrong current password counts as a failed login (AUTH.LOGIN_THROTTLED applies alike).
 */
export class Payload extends ClientInfo {
  @IsBoundedString(1, PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @IsPassword()
  newPassword!: string;
}

export interface Result {
  changed: true;
  revokedSessions: number;
}

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
