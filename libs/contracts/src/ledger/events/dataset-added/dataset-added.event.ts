import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerDatasetRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.dataset-added.v1';

/** The chaincode event (`ChaincodeEvent.DatasetAdded`) this bus event republishes. */
export const CHAINCODE_EVENT = 'DatasetAdded';

/** A dataset was released: its first version is committed. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerDatasetRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
