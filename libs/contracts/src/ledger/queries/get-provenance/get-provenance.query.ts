import { defineQuery } from '../../../lib/contract';
import type { LedgerProvenanceOperation } from '../../lib/records';
import { IsLedgerId } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.qry.get-provenance.v1';

/** A dataset's provenance table: every operation on it in commit order (the paper's table plus transaction id and block number). */
export class Payload {
  @IsLedgerId()
  datasetId!: string;
}

/** One operation on the dataset. */
export interface Entry {
  operation: LedgerProvenanceOperation;
  datasetId: string;
  /** Version and hash of the dataset the operation applied to. */
  datasetVersion: number;
  /** File name of that version (from the dataset's history). */
  fileName: string;
  sha256: string;
  /** Release note, purpose or reason; left out (see `redacted`) for a reader a request or analysis does not concern. */
  description?: string;
  /** Pseudonymous id of who acted; left out like `description`. */
  operator?: string;
  /** MSP that signed the transaction. */
  organisation: string;
  /** Member bound to that MSP, if any (the governor need not be a member). */
  memberId?: string;
  /** Id of the request, analysis or finding the operation belongs to. */
  referenceId?: string;
  /** Transaction time, ISO-8601 UTC. */
  timestamp: string;
  txId: string;
  /** From the ledger's transaction index: the chaincode cannot know it. */
  blockNumber: number;
  /** The fields left out because they do not concern the reader (see visibility.ts). */
  redacted?: ('description' | 'operator')[];
}

export interface Result {
  datasetId: string;
  entries: Entry[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
