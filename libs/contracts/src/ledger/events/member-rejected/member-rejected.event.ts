import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerMemberRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.member-rejected.v1';

/** The chaincode event (`ChaincodeEvent.MemberRejected`) this bus event republishes. */
export const CHAINCODE_EVENT = 'MemberRejected';

/** A membership application was rejected. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerMemberRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
