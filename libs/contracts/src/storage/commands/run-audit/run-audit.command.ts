import { IsOptional, IsString, Length } from 'class-validator';
import { SafeText } from '../../../lib/text';
import { perNodeContract, perNodeContracts } from '../../lib/node-subject';

/** Asks one storage node to re-hash every stored file now (the consortium's on-demand audit). */
export class Payload {
  /** Free text for the node's log (who asked and why). */
  @IsOptional()
  @IsString()
  @Length(0, 500)
  @SafeText({ multiline: true })
  note?: string;
}

/** One file whose hash differs from what was recorded. */
export interface Mismatch {
  datasetId: string;
  version: number;
  expectedSha256: string;
  foundSha256: string;
  /** Id of the tamper finding committed on the ledger (current versions only). */
  findingId?: string;
  /** Why no finding is on-chain yet (the ledger refused or was unreachable; retried next audit). */
  findingError?: string;
}

export interface Result {
  nodeId: string;
  startedAt: string;
  finishedAt: string;
  filesChecked: number;
  bytesHashed: number;
  mismatches: Mismatch[];
  /** Files that could not be read at all (missing, permissions). */
  unreadable: { datasetId: string; version: number; problem: string }[];
}

/** The audit command of one storage node: `phdmf.storage.<nodeId>.cmd.run-audit.v1`. */
export const contractFor = perNodeContracts<Payload, Result>((nodeId) => perNodeContract<Payload, Result>('command', nodeId, 'run-audit', 1, Payload));
