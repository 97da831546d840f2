import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerConsortiumRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.consortium-initialized.v1';

/** The chaincode event (`ChaincodeEvent.ConsortiumInitialized`) this bus event republishes. */
export const CHAINCODE_EVENT = 'ConsortiumInitialized';

/** The consortium was initialized; its governing MSP is fixed. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerConsortiumRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
