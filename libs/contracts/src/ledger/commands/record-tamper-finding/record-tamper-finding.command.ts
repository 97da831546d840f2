import { defineCommand } from '../../../lib/contract';
import type { LedgerCommitted } from '../../lib/chain';
import type { LedgerTamperFindingRecord } from '../../lib/records';
import { IsLedgerId, IsSha256 } from '../../lib/validation';

export const SUBJECT = 'phdmf.ledger.cmd.record-tamper-finding.v1';

/** Records that a dataset's file no longer matches its on-chain hash (`audit:recordTamperFinding`). Owner organisation only. */
export class Payload {
  @IsLedgerId()
  findingId!: string;

  @IsLedgerId()
  datasetId!: string;

  /** The current on-chain hash. */
  @IsSha256()
  expectedSha256!: string;

  /** The hash the node computed; must differ from the expected one. */
  @IsSha256()
  foundSha256!: string;

  @IsLedgerId()
  nodeId!: string;
}

/** Answered after commit. */
export type Result = LedgerCommitted<LedgerTamperFindingRecord>;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
