import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import type { LoginHistoryEntry } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.qry.get-login-history.v1';

/**
 * Login history, newest first. Without `userId`: the acting user's own. With it: a consortium admin
 * may read anyone's, an institution admin only their own institution's users'.
 */
export class Payload {
  @IsOptional()
  @IsUUID()
  userId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export interface Result {
  userId: string;
  entries: LoginHistoryEntry[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
