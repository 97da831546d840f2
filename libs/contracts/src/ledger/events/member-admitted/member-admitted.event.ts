import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerMemberRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.member-admitted.v1';

/** The chaincode event (`ChaincodeEvent.MemberAdmitted`) this bus event republishes. */
export const CHAINCODE_EVENT = 'MemberAdmitted';

/** A member institution was admitted. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerMemberRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
