import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerDatasetRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.dataset-stance-set.v1';

/** The chaincode event (`ChaincodeEvent.DatasetStanceSet`) this bus event republishes. */
export const CHAINCODE_EVENT = 'DatasetStanceSet';

/** A dataset's owner opened or closed it to access requests. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerDatasetRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
