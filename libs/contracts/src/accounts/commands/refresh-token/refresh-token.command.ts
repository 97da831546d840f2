import { IsBoundedString } from '../../../lib/text';
import { defineCommand } from '../../../lib/contract';
import { ClientInfo } from '../../lib/client-info';
import type { TokenPair } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.cmd.refresh-token.v1';

/** Exchanges a refresh token for a new pair; the old one is retired, and presenting it again revokes the family. */
export class Payload extends ClientInfo {
  @IsBoundedString(16, 256)
  refreshToken!: string;
}

export type Result = TokenPair;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
