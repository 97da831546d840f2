import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerTamperFindingRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.tamper-detected.v1';

/** The chaincode event (`ChaincodeEvent.TamperDetected`) this bus event republishes. */
export const CHAINCODE_EVENT = 'TamperDetected';

/** A storage node found a file that no longer matches its on-chain hash; the dataset is refused until a new version. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerTamperFindingRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
