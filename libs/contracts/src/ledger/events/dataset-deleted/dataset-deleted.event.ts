import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerDatasetRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.dataset-deleted.v1';

/** The chaincode event (`ChaincodeEvent.DatasetDeleted`) this bus event republishes. */
export const CHAINCODE_EVENT = 'DatasetDeleted';

/** A dataset was deleted by its owner. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerDatasetRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
