import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerDatasetRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.dataset-updated.v1';

/** The chaincode event (`ChaincodeEvent.DatasetUpdated`) this bus event republishes. */
export const CHAINCODE_EVENT = 'DatasetUpdated';

/** A new version of a dataset is committed. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerDatasetRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
