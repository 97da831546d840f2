import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerMemberRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.node-updated.v1';

/** The chaincode event (`ChaincodeEvent.NodeUpdated`) this bus event republishes. */
export const CHAINCODE_EVENT = 'NodeUpdated';

/** A member's storage node (id, key, endpoint) changed. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerMemberRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
