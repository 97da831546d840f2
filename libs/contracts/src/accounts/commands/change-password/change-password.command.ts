import { IsString, Length } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import { IsPassword } from '../../lib/validation';

export const SUBJECT = 'phdmf.accounts.cmd.change-password.v1';

/** The acting user changes their password; every refresh token of theirs is revoked (all sessions end). */
export class Payload {
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
