import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerAccessRequestRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.access-requested.v1';

/** The chaincode event (`ChaincodeEvent.AccessRequested`) this bus event republishes. */
export const CHAINCODE_EVENT = 'AccessRequested';

/** A researcher requested access to a dataset. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerAccessRequestRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
