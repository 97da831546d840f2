import { IsBoundedString, IsEmailAddress } from '../../../lib/text';
import { defineCommand } from '../../../lib/contract';
import { ClientInfo } from '../../lib/client-info';
import { PASSWORD_MAX_LENGTH } from '../../lib/validation';
import type { TokenPair } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.cmd.login.v1';

/** Password login. Fails with AUTH.INVALID_CREDENTIALS or AUTH.LOGIN_THROTTLED; every attempt is recorded. */
export class Payload extends ClientInfo {
  @IsEmailAddress()
  email!: string;

  // Not the password policy: an old account's password may predate it. Bounded for hashing cost.
  @IsBoundedString(1, PASSWORD_MAX_LENGTH)
  password!: string;
}

export type Result = TokenPair;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
