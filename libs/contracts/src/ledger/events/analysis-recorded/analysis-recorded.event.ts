import { defineEvent } from '../../../lib/contract';
import { LedgerChainEventPayload } from '../../lib/chain-event';
import type { LedgerAnalysisRecord } from '../../lib/records';

export const SUBJECT = 'phdmf.evt.ledger.analysis-recorded.v1';

/** The chaincode event (`ChaincodeEvent.AnalysisRecorded`) this bus event republishes. */
export const CHAINCODE_EVENT = 'AnalysisRecorded';

/** An analysis was recorded on-chain. Message id `<txId>:<eventIndex>`. */
export class Payload extends LedgerChainEventPayload {
  declare record: LedgerAnalysisRecord;
}

export const CONTRACT = defineEvent(SUBJECT, Payload);
