import { defineQuery } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { AccessRequestView } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.qry.get-access-request.v1';

/** One access request: for its requester, the owner institution's staff, or a consortium admin. */
export class Payload {
  @IsLedgerId()
  requestId!: string;
}

export type Result = AccessRequestView;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
